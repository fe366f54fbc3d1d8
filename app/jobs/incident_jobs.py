"""The weekly summary: opened, resolved, still open by severity or priority, MTTR and SLA compliance."""
from datetime import timedelta

from app.models import OPEN_STATUSES, OPEN_TICKET_STATUSES, Incident, Priority, Role, Severity, Ticket
from app.links import absolute_url
from app.notifications.email.compose import queue_email
from app.notifications.recipients import provider_staff
from app.notifications.slack.reports import post_report
from app.blocks.reports import weekly_report
from app.services import reports


def week_of(model, open_statuses, level_column, levels, since, until):
    """Counts for one kind of record between *since* and *until*, and what is still open now."""
    opened = reports.opened_between(model, since, until)
    resolved, mttr = reports.resolved_between(model, since, until)
    still_open = reports.open_by_level(model, open_statuses, level_column)
    met, breached, percent = reports.compliance_totals(reports.sla_compliance(model, level_column, since, until))
    return {"opened": opened, "resolved": resolved, "mttr_hours": None if mttr is None else float(mttr) / 3600,
            "still_open": [(level.label, still_open.get(level, 0)) for level in levels],
            "sla": {"met": met, "breached": breached, "percent": percent}}


def weekly_sections(since, until):
    """(title, numbers, link) for incidents by severity and tickets by priority."""
    return [
        ("Incidents", week_of(Incident, OPEN_STATUSES, Incident.severity, list(Severity), since, until),
         absolute_url("incidents.index")),
        ("Tickets", week_of(Ticket, OPEN_TICKET_STATUSES, Ticket.priority, list(reversed(Priority)), since, until),
         absolute_url("tickets.index", fallback="/tickets/")),
    ]


def weekly_summary(period_start):
    """The week before *period_start*, to the provider's admins and managers."""
    since = period_start - timedelta(days=7)
    sections = weekly_sections(since, period_start)
    queued = post_report("weekly_summary", period_start, weekly_report(since, sections, absolute_url("main.index")))
    for user in provider_staff(Role.ADMIN, Role.MANAGER):
        queued += bool(queue_email(user, "report.weekly", "weekly_summary",
                                   f"Weekly summary, week of {since:%Y-%m-%d}",
                                   dedup_key=f"job:weekly_summary:{period_start:%Y-%m-%d}",
                                   since=since, until=period_start, sections=sections,
                                   link=absolute_url("main.index")))
    return queued
