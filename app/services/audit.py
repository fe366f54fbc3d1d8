"""Writing to and reading from the audit trail."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Source


def _text(value):
    if value is None:
        return None
    return getattr(value, "value", value) if not isinstance(value, str) else value


def record(subject, action, actor=None, source=Source.WEB, field=None, old=None, new=None):
    """Add one audit event for *subject* to the current transaction."""
    event = AuditEvent(
        org_id=subject.org_id,
        subject_type=subject.__tablename__.rstrip("s"),
        subject_id=subject.id,
        actor_id=actor.id if actor is not None else None,
        source=Source(source),
        action=action,
        field=field,
        old_value=None if old is None else str(_text(old)),
        new_value=None if new is None else str(_text(new)),
    )
    db.session.add(event)
    return event


def timeline(subject_type: str, subject_id: int):
    """Every event for one subject, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    ).all()
