"""Slack bookkeeping: where our messages live, which requests we handled, which channel is whose."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class SlackMessage(db.Model):
    """Which Slack channel (and message ts) holds a record's channel, summary, headline or card."""

    __tablename__ = "slack_messages"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "slot",
                                       name="uq_slack_messages_subject_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))   # incident | ticket
    subject_id: Mapped[int]
    slot: Mapped[str] = mapped_column(String(20))           # channel | summary | headline | card
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackPin(db.Model):
    """A list Relay keeps pinned in a channel and edits in place (the tickets channel's hourly list).

    *ts* is the message shown now (None: nothing posted, or the last one was retired when the
    list emptied); *pinned* says whether pins.add succeeded for it, so a retry pins without re-posting.
    """

    __tablename__ = "slack_pins"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)   # e.g. "tickets"
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    pinned: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SlackReceipt(db.Model):
    """A Slack request we already acted on (event id, view submission, signature), so repeats do nothing."""

    __tablename__ = "slack_receipts"
    __table_args__ = (Index("ix_slack_receipts_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackChannelLink(db.Model):
    """A Slack channel that belongs to one organization (a customer's own channel, say #customer-acme)."""

    __tablename__ = "slack_channel_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(40), unique=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org: Mapped["Organization"] = relationship()  # noqa: F821
