"""Incidents: severity, status, the people on them and their milestones."""
from datetime import datetime
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.organization import Organization
from app.models.product_area import ProductArea
from app.models.search_text import keep_search_text
from app.models.sla import SlaState
from app.models.user import User


class Severity(enum.Enum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"

    @property
    def label(self):
        return self.name

    @property
    def description(self):
        return {
            "sev1": "Critical: full outage or data loss",
            "sev2": "Major: key feature down for many",
            "sev3": "Minor: degraded, workaround exists",
            "sev4": "Low: cosmetic or single user",
        }[self.value]


class IncidentStatus(enum.Enum):
    DETECTED = "detected"
    INVESTIGATING = "investigating"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    CLOSED = "closed"

    @property
    def label(self):
        return self.value.capitalize()

    @property
    def is_open(self):
        return self in OPEN_STATUSES


OPEN_STATUSES = (IncidentStatus.DETECTED, IncidentStatus.INVESTIGATING, IncidentStatus.MITIGATED)


class Incident(db.Model):
    __tablename__ = "incidents"
    PREFIX = "INC"  # human numbers: INC-42
    __table_args__ = (
        Index("ix_incidents_org_status", "org_id", "status"),
        Index("ix_incidents_org_created", "org_id", "created_at"),
        # Covers the dashboard's counts of open incidents by severity, mine and unassigned.
        Index("ix_incidents_status_severity_assignee", "status", "severity", "assignee_id", "org_id"),
        Index("ix_incidents_sla", "sla_state", "sla_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty only inside the transaction that declares it, which numbers it just before the
    # notifications (services/incidents.py: the number is one turn every declaration takes).
    number: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = mapped_column(enum_column(Severity), index=True)
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column(IncidentStatus), default=IncidentStatus.DETECTED, index=True
    )
    product_area_id: Mapped[int | None] = mapped_column(ForeignKey("product_areas.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    commander_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)   # analytics read resolutions by day
    closed_at: Mapped[datetime | None]
    # The SLA clock's answer, kept current by services/sla.py: the state, the earliest open deadline,
    # and when the state next changes by itself (what the breach scan looks for).
    sla_state: Mapped[SlaState | None] = mapped_column(enum_column(SlaState))
    sla_due_at: Mapped[datetime | None] = mapped_column(index=True)
    sla_check_at: Mapped[datetime | None] = mapped_column(index=True)

    org: Mapped[Organization] = relationship()
    product_area: Mapped[ProductArea | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    commander: Mapped[User | None] = relationship(foreign_keys=[commander_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def reference(self):
        return f"{self.PREFIX}-{self.number}"

    def __repr__(self):
        return f"<Incident {self.reference}>"


keep_search_text(Incident.__table__, "title", "description")
