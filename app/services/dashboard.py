"""The numbers on the home page, computed with SQL aggregates."""
import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models import OPEN_STATUSES, Incident, Severity, SlaState, User
from app.services.core.permissions import visible_scope, visible_where
from app.services.live import version_columns, version_text


@dataclass
class Overview:
    open_by_severity: dict
    open_total: int
    mine: int
    unassigned: int
    recent: list
    attention: int = 0   # open incidents at risk of missing an SLA target, or past one
    version: str = ""    # the dashboard's live version (live.dashboard_version), read with the counts


# What a recent incident's line shows, as a row (ORM objects cost more than the query).
RECENT = (Incident.number, Incident.title, Incident.severity, Incident.status, Incident.created_at,
          Incident.sla_state, Incident.sla_due_at)


@functools.cache
def _statements(scope, version):
    """The counts and the recent incidents for a kind of viewer, built once (the viewer's ids are parameters).

    The counts carry the *version* columns after their own, so the page reads its live version
    without a statement of its own, before the recent incidents.
    """
    visible = visible_where(Incident, scope)
    open_ = Incident.status.in_(OPEN_STATUSES)
    # Naming every severity lets "mine" and "unassigned" seek (status, severity, assignee_id) in the
    # covering index; without it SQLite took the assignee index and read each row for its status.
    any_severity = Incident.severity.in_(list(Severity))

    def counted(*where):
        return select(func.count()).select_from(Incident).where(visible, open_, *where).scalar_subquery()

    # One statement of counts, each a range of one index (status, severity, assignee_id, org_id; the
    # SLA index for attention): grouping the open incidents by severity and summing CASEs over them
    # hashed every open row, the dashboard's largest cost at 100,000 incidents.
    counts = select(
        *(counted(Incident.severity == severity) for severity in Severity),
        counted(any_severity, Incident.assignee_id == bindparam("actor_id")),
        counted(any_severity, Incident.assignee_id.is_(None)),
        counted(Incident.sla_state.in_([SlaState.AT_RISK, SlaState.BREACHED])), *version)
    recent = select(*RECENT).where(visible).order_by(Incident.created_at.desc(), Incident.id.desc()).limit(8)
    return counts, recent


def overview(actor: User) -> Overview:
    """Open incidents by severity, my queue and the latest few, for *actor*."""
    scope, params = visible_scope(actor)
    version, _ = version_columns(actor, Incident)
    counts, recent = _statements(scope, version)
    severities = list(Severity)
    row = db.session.execute(counts, {**params, "actor_id": actor.id}).one()
    by_severity, (mine, unassigned, attention) = row[:len(severities)], row[len(severities):len(severities) + 3]
    open_by_severity = dict(zip(severities, by_severity))
    rows = db.session.execute(recent, params).all()
    return Overview(open_by_severity, sum(by_severity), mine, unassigned, rows, attention,
                    version_text(row[len(severities) + 3:]))
