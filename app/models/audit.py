"""The append-only audit trail: every change, who made it, from which front."""
from datetime import datetime
import enum
import hashlib
import json

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.user import User


class Source(enum.Enum):
    """The front a change came through."""

    WEB = "web"
    EMAIL = "email"
    SLACK = "slack"
    PAGERDUTY = "pagerduty"
    API = "api"
    SYSTEM = "system"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),
        # One chain per record: two events can never claim the same place in it.
        Index("ix_audit_events_chain", "subject_type", "subject_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # No foreign key on the subject: the trail outlives a deleted incident.
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[Source] = mapped_column(enum_column(Source), default=Source.WEB)
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The record's hash chain: each event's hash covers its content, its place (seq) and the
    # hash of the record's event before it. Events written before per-record chains have no
    # seq and sit on the one legacy chain (see services/audit_verify.py).
    seq: Mapped[int | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    def content(self) -> dict:
        return {name: getattr(self, name) for name in HASHED_FIELDS + ("seq",)}

    def compute_hash(self) -> str:
        return chain_hash(self.content(), self.prev_hash)


GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("org_id", "subject_type", "subject_id", "actor_id", "source", "action",
                 "field", "old_value", "new_value", "created_at")


def _canonical(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return getattr(value, "value", value)


def chain_hash(content: dict, prev_hash: str) -> str:
    """The sha256 of an event's content (canonical JSON), its seq if it has one, and the hash before it."""
    payload = {name: _canonical(content[name]) for name in HASHED_FIELDS}
    if content.get("seq") is not None:
        payload["seq"] = content["seq"]
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or remove a recorded audit event."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")
