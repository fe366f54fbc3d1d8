"""The scheduled jobs: the weekly summary (and, with tickets, reminders and the stale report)."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import OPEN_STATUSES, Incident, Organization, Role, Severity, User
from app.models.sql import seconds_between
from app.notifications.mailer import absolute_url, queue_email
from app.notifications.scheduler import job


def provider_staff(*roles):
    """Active users of the provider organization with one of *roles* (they see every tenant)."""
    return db.session.scalars(select(User).join(Organization, User.org_id == Organization.id).where(
        Organization.is_provider.is_(True), User.active.is_(True), User.role.in_(roles)).order_by(User.id)).all()


def admin_recipients():
    return provider_staff(Role.ADMIN)


def incident_week(since, until):
    """What happened to incidents between *since* and *until*: counts, open by severity, MTTR."""
    opened = db.session.scalar(select(func.count()).where(Incident.created_at >= since, Incident.created_at < until))
    resolved, mttr = db.session.execute(
        select(func.count(), func.avg(seconds_between(Incident.created_at, Incident.resolved_at)))
        .where(Incident.resolved_at >= since, Incident.resolved_at < until)).one()
    open_by = dict(db.session.execute(select(Incident.severity, func.count())
                                      .where(Incident.status.in_(OPEN_STATUSES)).group_by(Incident.severity)).all())
    return {"opened": opened, "resolved": resolved, "mttr_hours": None if mttr is None else float(mttr) / 3600,
            "still_open": [(severity.label, open_by.get(severity, 0)) for severity in Severity]}


def weekly_sections(since, until):
    """The sections of the weekly summary; tickets add theirs here."""
    return [("Incidents", incident_week(since, until), absolute_url("incidents.index"))]


@job("weekly_summary", "WEEKLY_SUMMARY_AT")
def weekly_summary(period_start):
    """Monday's numbers for the week before: opened, resolved, still open, MTTR."""
    since = period_start - timedelta(days=7)
    sections = weekly_sections(since, period_start)
    queued = 0
    for user in provider_staff(Role.ADMIN, Role.MANAGER):
        queued += bool(queue_email(user, "report.weekly", "weekly_summary",
                                   f"Weekly summary, week of {since:%Y-%m-%d}",
                                   dedup_key=f"job:weekly_summary:{period_start:%Y-%m-%d}",
                                   since=since, until=period_start, sections=sections,
                                   link=absolute_url("main.index")))
    return queued
