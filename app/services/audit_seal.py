"""Checkpoints: the worker seals the head of every record chain that moved, now and then.

A checkpoint stores the heads that moved since the one before it, a digest over them,
running totals, and the hash of the checkpoint before it; with AUDIT_SEAL_KEY set the
seal is an HMAC, so someone who can write to the database but not read the config
cannot write a checkpoint that verifies.
"""
from datetime import timedelta
import logging

from flask import current_app
from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import AuditCheckpoint, AuditCheckpointHead, AuditHead, next_number
from app.models.audit import GENESIS_HASH
from app.models.audit_seal import checkpoint_hash, heads_digest
from app.models.base import utcnow

log = logging.getLogger("relay.audit")

SEALER = "audit_checkpoint"


def latest_checkpoint() -> AuditCheckpoint | None:
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


def seal_if_due(now=None) -> AuditCheckpoint | None:
    """Seal when the last checkpoint is older than AUDIT_SEAL_SECONDS (the worker calls this each round)."""
    now = now or utcnow()
    last = latest_checkpoint()
    every = timedelta(seconds=current_app.config["AUDIT_SEAL_SECONDS"])
    due = last is None or last.created_at <= now - every or _needs_key(last)
    db.session.rollback()  # end the read transaction
    return seal(now) if due else None


def _needs_key(last: AuditCheckpoint) -> bool:
    return bool(current_app.config.get("AUDIT_SEAL_KEY")) and not last.keyed


def _moved_heads():
    """(subject_type, subject_id, seq, hash, sealed seq or None) of every head past its last seal."""
    sealed = (select(func.max(AuditCheckpointHead.seq))
              .where(and_(AuditCheckpointHead.subject_type == AuditHead.subject_type,
                          AuditCheckpointHead.subject_id == AuditHead.subject_id))
              .correlate(AuditHead).scalar_subquery())
    return db.session.execute(
        select(AuditHead.subject_type, AuditHead.subject_id, AuditHead.seq, AuditHead.hash, sealed.label("sealed"))
        .where(AuditHead.seq > func.coalesce(sealed, 0))
    ).all()


def seal(now=None) -> AuditCheckpoint | None:
    """Write a checkpoint over every record chain that moved since the last one; None if none did."""
    next_number(SEALER)  # sealers take turns on this row; writers never touch it
    last = latest_checkpoint()
    moved = _moved_heads()
    key = current_app.config.get("AUDIT_SEAL_KEY") or None
    if not moved and (last is None or not _needs_key(last)):
        db.session.rollback()
        return None
    checkpoint = AuditCheckpoint(
        id=(last.id if last else 0) + 1,
        created_at=now or utcnow(),
        legacy_last_id=last.legacy_last_id if last else 0,
        legacy_count=last.legacy_count if last else 0,
        legacy_hash=last.legacy_hash if last else GENESIS_HASH,
        event_count=(last.event_count if last else 0) + sum(row.seq - (row.sealed or 0) for row in moved),
        subject_count=(last.subject_count if last else 0) + sum(1 for row in moved if row.sealed is None),
        heads_digest=heads_digest((row.subject_type, row.subject_id, row.seq, row.hash) for row in moved),
        keyed=key is not None,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    checkpoint.hash = checkpoint_hash(checkpoint.fields(), key)
    db.session.add(checkpoint)
    db.session.flush()
    db.session.add_all(AuditCheckpointHead(checkpoint_id=checkpoint.id, subject_type=row.subject_type,
                                           subject_id=row.subject_id, seq=row.seq, hash=row.hash) for row in moved)
    db.session.commit()
    # The log leaves the database: a copy of the newest seal there catches a wholesale rewrite.
    log.info("audit checkpoint %s: %s events, %s heads moved, seal %s", checkpoint.id, checkpoint.event_count,
             len(moved), checkpoint.hash)
    return checkpoint
