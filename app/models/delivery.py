"""Deliveries: the outbox of messages to the outside world (email, Slack, PagerDuty)."""
from datetime import datetime
import enum

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import enum_column, utcnow


class DeliveryState(enum.Enum):
    PENDING = "pending"      # waiting for its next attempt
    SENDING = "sending"      # claimed by a worker (lease_token, until locked_until)
    DELIVERED = "delivered"
    FAILED = "failed"        # gave up; an admin can retry it

    @property
    def label(self):
        return self.value.capitalize()


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        Index("ix_deliveries_ordering", "ordering_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)   # email | slack | pagerduty
    kind: Mapped[str] = mapped_column(String(60))                   # e.g. incident.declared
    recipient: Mapped[str] = mapped_column(String(320))             # address, channel id, service key
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # One delivery per dedup key, ever: the guard against sending the same thing twice.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    # Deliveries sharing an ordering key go out strictly one after another, by id.
    ordering_key: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    # Who holds the lease: a fresh token per claim; only its holder may record the outcome.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

