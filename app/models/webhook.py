"""Outbound webhooks: an organization's endpoints, and the log of every attempt to reach them."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organization import Organization


class WebhookEndpoint(db.Model):
    """A URL that hears about an organization's incidents and tickets, signed with its own secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[str] = mapped_column(String(1000))          # space-separated: incident.* ticket.status_changed
    secret_encrypted: Mapped[str] = mapped_column(Text)         # whsec_..., encrypted at rest
    active: Mapped[bool] = mapped_column(default=True)
    failures_in_a_row: Mapped[int] = mapped_column(default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org: Mapped[Organization] = relationship()

    @property
    def event_list(self) -> list[str]:
        return self.events.split()


class WebhookAttempt(db.Model):
    """One try at delivering one message to one endpoint: what came back, or what went wrong."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_endpoint", "endpoint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="SET NULL"))
    message_id: Mapped[str] = mapped_column(String(40))        # webhook-id: the same on every retry
    event_type: Mapped[str] = mapped_column(String(60))
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int | None]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
