"""Report queries: volume, MTTA and MTTR in SQL, shared by the analytics page and the weekly summary."""
from sqlalchemy import case, func, null, select

from app.extensions import db
from app.models import Organization, SlaState
from app.models.sql import seconds_between, week_start


def mean_seconds_to(model, milestone):
    """The average seconds from a record's creation to *milestone*; records without it are left out."""
    return func.avg(seconds_between(model.created_at, milestone))


def by_level(model, level_column, *where) -> dict:
    """{level: (declared, resolved, MTTA seconds, MTTR seconds)} for the records matching *where*.

    MTTA is None for records that are never acknowledged (tickets).
    """
    acknowledged = getattr(model, "acknowledged_at", None)
    rows = db.session.execute(
        select(level_column, func.count(), func.count(model.resolved_at),
               mean_seconds_to(model, acknowledged) if acknowledged is not None else null(),
               mean_seconds_to(model, model.resolved_at))
        .where(*where).group_by(level_column))
    return {level: (declared, resolved, mtta, mttr) for level, declared, resolved, mtta, mttr in rows}


def opened_between(model, since, until, *where) -> int:
    """How many records were created in [since, until)."""
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.created_at >= since, model.created_at < until, *where))


def resolved_between(model, since, until, *where) -> tuple[int, float | None]:
    """How many records were resolved in [since, until), and their MTTR in seconds."""
    return tuple(db.session.execute(
        select(func.count(), mean_seconds_to(model, model.resolved_at))
        .where(model.resolved_at >= since, model.resolved_at < until, *where)).one())


def open_by_level(model, open_statuses, level_column, *where) -> dict:
    """{level: count} of the records open now."""
    return dict(db.session.execute(select(level_column, func.count())
                                   .where(model.status.in_(open_statuses), *where).group_by(level_column)).all())


def weekly_by_level(model, level_column, *where):
    """(Monday, level, count) rows of the records created each week, matching *where*."""
    week = week_start(model.created_at).label("week")
    return db.session.execute(select(week, level_column, func.count()).where(*where).group_by(week, level_column)).all()


def sla_compliance(model, level_column, since, until, *where):
    """[(organization, level, met, breached)] of the records resolved in [since, until) under an SLA.

    A record counts as met when it was resolved with every target met, as breached when any
    target was missed; records without a policy are left out. Sorted by organization, then level.
    """
    met = func.sum(case((model.sla_state == SlaState.MET, 1), else_=0))
    breached = func.sum(case((model.sla_state == SlaState.BREACHED, 1), else_=0))
    rows = db.session.execute(
        select(Organization.name, level_column, met, breached)
        .join(Organization, Organization.id == model.org_id)
        .where(model.resolved_at >= since, model.resolved_at < until,
               model.sla_state.in_([SlaState.MET, SlaState.BREACHED]), *where)
        .group_by(Organization.name, level_column).order_by(Organization.name, level_column)).all()
    return [(org, level, int(m or 0), int(b or 0)) for org, level, m, b in rows]


def compliance_totals(rows) -> tuple[int, int, float | None]:
    """(met, breached, percent met) over sla_compliance rows; percent None when nothing was resolved."""
    met, breached = sum(r[2] for r in rows), sum(r[3] for r in rows)
    return met, breached, (100.0 * met / (met + breached)) if met + breached else None
