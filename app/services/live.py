"""What an open page polls: a cheap version of what it shows, so an unchanged page costs one small query."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditHead, Incident, SlaState
from app.services.core.errors import NotFound
from app.services.core.permissions import can_see, visible_filter


def record_version(actor, model, number: int) -> str:
    """The version of one incident or ticket *actor* may see: its last change and its timeline's length.

    One query on two primary-key lookups; another organization's record is NotFound, as on its page.
    """
    subject_type = model.__tablename__.rstrip("s")
    last_event = (select(AuditHead.seq)
                  .where(AuditHead.subject_type == subject_type, AuditHead.subject_id == model.id)
                  .scalar_subquery())
    row = db.session.execute(
        select(model.org_id, model.reporter_id, model.updated_at, last_event, model.sla_state, model.sla_due_at)
        .where(model.number == number)
    ).one_or_none()
    if row is None or not can_see(actor, row):
        raise NotFound(f"{model.__name__} {model.PREFIX}-{number} was not found.")
    # The SLA scan moves a record to at risk or breached without touching updated_at.
    return f"{row.updated_at.isoformat()}/{row[3] or 0}/{getattr(row.sla_state, 'value', '-')}/{row.sla_due_at}"


def list_version(actor, model) -> str:
    """The version of every *model* row *actor* may see: the newest change, how many rows (deletions) and
    how many are at risk or breached (the SLA scan changes those without touching updated_at).

    Four subqueries, each answered from an index (updated_at, a count over the narrowest index, the
    SLA index for the few rows at risk or breached): one pass computing all four read every row,
    which cost more than rendering the page.
    """
    visible = visible_filter(actor, model)

    def counted(*where):
        return select(func.count()).select_from(model).where(visible, *where).scalar_subquery()

    newest, total, at_risk, breached = db.session.execute(select(
        select(func.max(model.updated_at)).where(visible).scalar_subquery(), counted(),
        counted(model.sla_state == SlaState.AT_RISK), counted(model.sla_state == SlaState.BREACHED))).one()
    return f"{newest.isoformat() if newest else '-'}/{total}/{at_risk}/{breached}"


def dashboard_version(actor) -> str:
    """The dashboard shows incidents only."""
    return list_version(actor, Incident)
