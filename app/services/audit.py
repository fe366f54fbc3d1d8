"""Writing to, reading from and verifying the audit trail."""
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Counter, Source, next_number
from app.models.audit import GENESIS_HASH, HASHED_FIELDS, chain_hash
from app.models.base import utcnow

CHAIN = "audit_chain"


def _text(value):
    if value is None:
        return None
    return getattr(value, "value", value) if not isinstance(value, str) else value


def subject_type_of(subject) -> str:
    return subject.__tablename__.rstrip("s")


def record(subject, action, actor=None, source=Source.WEB, field=None, old=None, new=None):
    """Add one audit event for *subject* to the current transaction, chained to the last one."""
    # Bumping the chain counter locks its row until commit, so concurrent writers
    # append one after another instead of forking the chain (SQLite: the write lock).
    next_number(CHAIN)
    prev_hash = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        org_id=subject.org_id,
        subject_type=subject_type_of(subject),
        subject_id=subject.id,
        actor_id=actor.id if actor is not None else None,
        source=Source(source),
        action=action,
        field=field,
        old_value=None if old is None else str(_text(old)),
        new_value=None if new is None else str(_text(new)),
        created_at=utcnow(),
        prev_hash=prev_hash or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    return event


def timeline(subject_type: str, subject_id: int):
    """Every event for one subject, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    ).all()


@dataclass
class Break:
    """The first place the chain does not hold."""

    event_id: int | None
    subject: str
    problem: str

    def __str__(self):
        where = f"event {self.event_id} ({self.subject})" if self.event_id else "the chain head"
        return f"{where}: {self.problem}"


def verify_chain(batch_size=5000, progress=None):
    """Recompute the chain in id order; return (events checked, first Break or None)."""
    columns = [AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash] + [
        getattr(AuditEvent, name) for name in HASHED_FIELDS]
    last_id, prev_hash, checked = 0, GENESIS_HASH, 0
    while True:
        rows = db.session.execute(
            select(*columns).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch_size)
        ).all()
        for row in rows:
            subject = f"{row.subject_type} {row.subject_id}, {row.action}"
            if row.prev_hash != prev_hash:
                return checked, Break(row.id, subject, "its prev_hash does not match the event before it "
                                                       "(an event was removed, inserted or reordered)")
            if chain_hash(row._mapping, row.prev_hash) != row.hash:
                return checked, Break(row.id, subject, "its content does not match its hash (the row was edited)")
            prev_hash, last_id, checked = row.hash, row.id, checked + 1
        if progress:
            progress(checked)
        if len(rows) < batch_size:
            break
    expected = db.session.scalar(select(Counter.value).where(Counter.name == CHAIN)) or 0
    if expected != checked:
        return checked, Break(None, "", f"the chain holds {checked} events but {expected} were appended "
                                        "(the latest events were removed)")
    return checked, None
