"""What an open page polls: a cheap version of what it shows, so an unchanged page costs one small query."""
import functools

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditHead, Counter, Incident, SlaState, next_number
from app.services.core.errors import NotFound
from app.services.core.permissions import can_see, visible_scope, visible_where


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


def deletions_key(model) -> str:
    """The counter a deletion of a *model* row bumps, so open lists see a row vanish."""
    return f"deleted {model.__tablename__}"


def note_deletion(model):
    """Count a deletion of a *model* row, in the caller's transaction (deletions are rare: admins only)."""
    next_number(deletions_key(model))


def list_version(actor, model) -> str:
    """The version of every *model* row *actor* may see: the newest change, how many rows were ever deleted
    and how many are at risk or breached (the SLA scan changes those without touching updated_at).

    Each part is read from an index or one row; counting the visible rows to notice a deletion read
    every row, which at 100,000 cost more than the rest of the page.
    """
    scope, params = visible_scope(actor)
    return version_text(db.session.execute(_version_statement(model, scope), params).one())


def version_columns(actor, model) -> tuple[tuple, dict]:
    """list_version's parts as columns another statement can carry (a list page's rows), and their parameters."""
    scope, params = visible_scope(actor)
    return _version_columns(model, scope), params


def page_version(page) -> str | None:
    """list_version as read with a list page's rows (incident_rows and ticket_rows carry its columns).

    None when the page has no rows: then nothing was read, and the caller reads list_version.
    """
    return version_text(page.riders) if page is not None and page.riders else None


def version_text(parts) -> str:
    """list_version from its parts, as read by version_columns."""
    newest, deleted, at_risk, breached = parts
    return f"{newest.isoformat() if newest else '-'}/{deleted or 0}/{at_risk}/{breached}"


@functools.cache
def _version_statement(model, scope):
    """list_version's one statement for a kind of viewer, built once."""
    return select(*_version_columns(model, scope))


@functools.cache
def _version_columns(model, scope):
    """list_version's columns for a kind of viewer, built once (the viewer's ids are parameters)."""
    visible = visible_where(model, scope)

    def counted(*where):
        return select(func.count()).select_from(model).where(visible, *where).scalar_subquery()

    return (select(func.max(model.updated_at)).where(visible).scalar_subquery().label("version_newest"),
            select(Counter.value).where(Counter.name == deletions_key(model)).scalar_subquery()
            .label("version_deleted"),
            counted(model.sla_state == SlaState.AT_RISK).label("version_at_risk"),
            counted(model.sla_state == SlaState.BREACHED).label("version_breached"))


def dashboard_version(actor) -> str:
    """The dashboard shows incidents only."""
    return list_version(actor, Incident)
