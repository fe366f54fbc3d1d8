"""The numbers on the home page, computed with SQL aggregates."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import OPEN_STATUSES, Incident, Severity, SlaState, User
from app.services.core.permissions import visible_filter


@dataclass
class Overview:
    open_by_severity: dict
    open_total: int
    mine: int
    unassigned: int
    recent: list
    attention: int = 0   # open incidents at risk of missing an SLA target, or past one


def overview(actor: User) -> Overview:
    """Open incidents by severity, my queue and the latest few, for *actor*."""
    visible = visible_filter(actor, Incident)
    open_ = Incident.status.in_(OPEN_STATUSES)
    # One pass over the open incidents: per severity, how many, how many are mine, how many nobody holds.
    rows = db.session.execute(
        select(Incident.severity, func.count(),
               func.sum(case((Incident.assignee_id == actor.id, 1), else_=0)),
               func.sum(case((Incident.assignee_id.is_(None), 1), else_=0)),
               func.sum(case((Incident.sla_state.in_([SlaState.AT_RISK, SlaState.BREACHED]), 1), else_=0)))
        .where(visible, open_).group_by(Incident.severity)
    ).all()
    counts = {severity: n for severity, n, _, _, _ in rows}
    by_severity = {s: counts.get(s, 0) for s in Severity}
    mine = sum(m or 0 for _, _, m, _, _ in rows)
    unassigned = sum(u or 0 for _, _, _, u, _ in rows)
    attention = sum(a or 0 for *_, a in rows)
    recent = db.session.scalars(
        select(Incident).where(visible).order_by(Incident.created_at.desc(), Incident.id.desc()).limit(8)
    ).all()
    return Overview(by_severity, sum(by_severity.values()), mine or 0, unassigned or 0, recent, attention)
