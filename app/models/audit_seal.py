"""What seals the audit trail: the head of each record's chain, and checkpoints over all of them."""
from datetime import datetime
import hashlib
import hmac
import json

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class AuditHead(db.Model):
    """The newest event of one record's chain; its row is the lock writers to that record share."""

    __tablename__ = "audit_heads"

    subject_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(db.Model):
    """A seal over every record chain's head at one moment, chained to the checkpoint before it."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Events up to legacy_last_id form the one global chain written before per-record chains.
    legacy_last_id: Mapped[int] = mapped_column(default=0)
    legacy_count: Mapped[int] = mapped_column(default=0)
    legacy_hash: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int]        # every event sealed so far, legacy ones included
    subject_count: Mapped[int]      # record chains sealed so far
    heads_digest: Mapped[str] = mapped_column(String(64))  # over this checkpoint's AuditCheckpointHead rows
    keyed: Mapped[bool] = mapped_column(default=False)     # an HMAC with AUDIT_SEAL_KEY, not a bare sha256
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in CHECKPOINT_FIELDS}


class AuditCheckpointHead(db.Model):
    """A record chain's head as a checkpoint sealed it (only the heads that moved since the last one)."""

    __tablename__ = "audit_checkpoint_heads"
    __table_args__ = (Index("ix_audit_checkpoint_heads_subject", "subject_type", "subject_id", "seq"),)

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("audit_checkpoints.id"), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


CHECKPOINT_FIELDS = ("id", "created_at", "legacy_last_id", "legacy_count", "legacy_hash", "event_count",
                     "subject_count", "heads_digest", "keyed", "prev_hash")


def heads_digest(heads) -> str:
    """The sha256 of (subject_type, subject_id, seq, hash) rows, in subject order."""
    digest = hashlib.sha256()
    for subject_type, subject_id, seq, head_hash in sorted(heads):
        digest.update(f"{subject_type}:{subject_id}:{seq}:{head_hash}\n".encode())
    return digest.hexdigest()


def checkpoint_hash(fields: dict, key: str | None) -> str:
    """The seal over a checkpoint's fields: HMAC-SHA256 with *key* when it is keyed, else sha256."""
    payload = {name: fields[name].isoformat(timespec="microseconds") if isinstance(fields[name], datetime)
               else fields[name] for name in CHECKPOINT_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    if fields["keyed"]:
        return hmac.new(key.encode(), text, hashlib.sha256).hexdigest()
    return hashlib.sha256(text).hexdigest()
