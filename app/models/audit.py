"""The append-only audit trail: every change, who made it, from which front."""
from datetime import datetime
import enum

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
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id", "id"),)

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

    actor: Mapped[User | None] = relationship()


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or remove a recorded audit event."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")
