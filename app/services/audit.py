"""Writing to and reading from the audit trail (sealing: audit_seal.py, checking: audit_verify.py)."""
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app.extensions import db
from app.models import AuditEvent, AuditHead, Source
from app.models.audit import GENESIS_HASH
from app.models.base import utcnow


def _text(value):
    if value is None:
        return None
    return getattr(value, "value", value) if not isinstance(value, str) else value


def subject_type_of(subject) -> str:
    return subject.__tablename__.rstrip("s")


def record(subject, action, actor=None, source=Source.WEB, field=None, old=None, new=None):
    """Add one audit event for *subject* to the current transaction, chained to the record's last one."""
    subject_type = subject_type_of(subject)
    head = _locked_head(subject_type, subject.id)
    event = AuditEvent(
        org_id=subject.org_id,
        subject_type=subject_type,
        subject_id=subject.id,
        actor_id=actor.id if actor is not None else None,
        source=Source(source),
        action=action,
        field=field,
        old_value=None if old is None else str(_text(old)),
        new_value=None if new is None else str(_text(new)),
        created_at=utcnow(),
        seq=head.seq + 1,
        prev_hash=head.hash,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    head.seq, head.hash = event.seq, event.hash
    db.session.flush()
    return event


def _locked_head(subject_type: str, subject_id: int) -> AuditHead:
    """The head of one record's chain, locked until commit.

    Only writers to the same record wait for each other here; writers to other records
    never do. The query autoflushes the caller's changes to the record first, so a writer
    always locks the record's row before its head and two writers cannot deadlock on them.
    """
    query = (select(AuditHead).where(AuditHead.subject_type == subject_type, AuditHead.subject_id == subject_id)
             .with_for_update().execution_options(populate_existing=True))
    head = db.session.scalar(query)
    if head is not None:
        return head
    start = dict(subject_type=subject_type, subject_id=subject_id, seq=0, hash=GENESIS_HASH)
    if db.session.get_bind().dialect.name == "postgresql":
        # Two first writers to a record race to start its chain: the loser inserts nothing and waits.
        db.session.execute(pg_insert(AuditHead).values(**start).on_conflict_do_nothing())
        return db.session.scalar(query)
    head = AuditHead(**start)
    db.session.add(head)
    return head


def timeline(subject_type: str, subject_id: int):
    """Every event for one subject, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
    ).all()
