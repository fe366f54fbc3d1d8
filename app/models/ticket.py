"""Tickets: the everyday support requests, with priority, status and the people on them."""
from datetime import datetime
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.campaign import Campaign, IssueType
from app.models.search_text import keep_search_text
from app.models.sla import SlaState
from app.models.incident import Incident
from app.models.organization import Organization
from app.models.user import User


class Priority(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self):
        return self.value.capitalize()

    @property
    def badge(self):
        """The Bootstrap colour that shows this priority."""
        return {"low": "secondary", "medium": "info", "high": "warning", "critical": "danger"}[self.value]

    @property
    def icon(self):
        """The Bootstrap icon shown next to the label, so colour is never the only cue."""
        return {"low": "arrow-down", "medium": "dash-lg", "high": "arrow-up",
                "critical": "exclamation-octagon-fill"}[self.value]

    @property
    def rank(self):
        return list(Priority).index(self)


class TicketStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting_on_customer"  # staff wait for the reporter; the SLA clock pauses
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()

    @property
    def badge(self):
        return {"open": "primary", "in_progress": "warning", "waiting_on_customer": "info", "resolved": "success",
                "closed": "secondary"}[self.value]

    @property
    def is_open(self):
        return self in OPEN_TICKET_STATUSES


OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)


class Ticket(db.Model):
    __tablename__ = "tickets"
    PREFIX = "TCK"  # human numbers: TCK-42
    __table_args__ = (
        Index("ix_tickets_org_status", "org_id", "status"),
        Index("ix_tickets_org_created", "org_id", "created_at"),
        Index("ix_tickets_status_priority", "status", "priority"),
        Index("ix_tickets_sla", "sla_state", "sla_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    external_url: Mapped[str | None] = mapped_column(String(500))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.MEDIUM, index=True)
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus), default=TicketStatus.OPEN,
                                                 index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    issue_type_id: Mapped[int | None] = mapped_column(ForeignKey("issue_types.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Set when the ticket was promoted; the incident points back through `source_ticket`.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"),
                                                    unique=True)
    resolution_notes: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    # Analytics count resolutions per week by this column (a range scan, not the whole table).
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    # The SLA clock's answer, kept current by services/sla.py: the state, the earliest open deadline,
    # and when the state next changes by itself (what the breach scan looks for).
    sla_state: Mapped[SlaState | None] = mapped_column(enum_column(SlaState))
    sla_due_at: Mapped[datetime | None] = mapped_column(index=True)
    sla_check_at: Mapped[datetime | None] = mapped_column(index=True)

    org: Mapped[Organization] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    issue_type: Mapped[IssueType | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    incident: Mapped[Incident | None] = relationship(backref=backref("source_ticket", uselist=False))

    @property
    def reference(self):
        return f"{self.PREFIX}-{self.number}"

    def __repr__(self):
        return f"<Ticket {self.reference}>"


keep_search_text(Ticket.__table__, "title", "details")
