"""The numbers on the home page, computed with SQL aggregates."""
from dataclasses import dataclass

from sqlalchemy import func, select

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


# What a recent incident's line shows, as a row (ORM objects cost more than the query).
RECENT = (Incident.number, Incident.title, Incident.severity, Incident.status, Incident.created_at,
          Incident.sla_state, Incident.sla_due_at)


def overview(actor: User) -> Overview:
    """Open incidents by severity, my queue and the latest few, for *actor*."""
    visible = visible_filter(actor, Incident)
    open_ = Incident.status.in_(OPEN_STATUSES)

    def counted(*where):
        return select(func.count()).select_from(Incident).where(visible, open_, *where).scalar_subquery()

    # One statement of counts, each a range of one index (status, severity, assignee_id, org_id; the
    # SLA index for attention): grouping the open incidents by severity and summing CASEs over them
    # hashed every open row, the dashboard's largest cost at 100,000 incidents.
    severities = list(Severity)
    *by_severity, mine, unassigned, attention = db.session.execute(select(
        *(counted(Incident.severity == severity) for severity in severities),
        counted(Incident.assignee_id == actor.id), counted(Incident.assignee_id.is_(None)),
        counted(Incident.sla_state.in_([SlaState.AT_RISK, SlaState.BREACHED])))).one()
    open_by_severity = dict(zip(severities, by_severity))
    recent = db.session.execute(
        select(*RECENT).where(visible).order_by(Incident.created_at.desc(), Incident.id.desc()).limit(8)
    ).all()
    return Overview(open_by_severity, sum(by_severity), mine, unassigned, recent, attention)
