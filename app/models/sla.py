"""SLA policies: per organization, targets per severity and priority, and the calendar they count in."""
from datetime import datetime
import enum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organization import Organization
from app.models.user import User


class SlaState(enum.Enum):
    """Where a record stands against its SLA (stored on the record, so lists filter and sort by it)."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()

    @property
    def badge(self):
        return {"on_track": "success", "at_risk": "warning", "breached": "danger", "met": "secondary"}[self.value]

    @property
    def rank(self):
        """How bad: met < on track < at risk < breached."""
        return ["met", "on_track", "at_risk", "breached"].index(self.value)


class SlaPolicy(db.Model):
    """A customer's contract (org_id set) or the provider's default for everyone else (org_id NULL)."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Weekday (0 = Monday, as a string) -> ["09:00", "17:00"]; a missing day is not a working day.
    working_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    holidays: Mapped[list] = mapped_column(JSON, default=list)  # ["2026-12-25", ...]
    warn_percent: Mapped[int] = mapped_column(default=75)
    raise_severity_on_breach: Mapped[bool] = mapped_column(default=False)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    escalation_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org: Mapped[Organization | None] = relationship()
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    escalation_user: Mapped[User | None] = relationship(foreign_keys=[escalation_user_id])
    targets: Mapped[list["SlaTarget"]] = relationship(back_populates="policy", cascade="all, delete-orphan",
                                                      order_by="SlaTarget.id")

    def target_for(self, kind: str, level: str) -> "SlaTarget | None":
        return next((t for t in self.targets if t.kind == kind and t.level == level), None)

    def __repr__(self):
        return f"<SlaPolicy {self.name}>"


class SlaTarget(db.Model):
    """The minutes allowed for one severity (incidents) or priority (tickets) under a policy."""

    __tablename__ = "sla_targets"
    __table_args__ = (UniqueConstraint("policy_id", "kind", "level", name="uq_sla_targets_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("sla_policies.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))       # incident | ticket
    level: Mapped[str] = mapped_column(String(20))      # sev1..sev4 | low..critical
    respond_minutes: Mapped[int]                        # acknowledge (incidents), first response (tickets)
    resolve_minutes: Mapped[int]
    update_minutes: Mapped[int | None]                  # incidents: the update cadence
    around_the_clock: Mapped[bool] = mapped_column(default=False)  # 24x7 instead of the working hours

    policy: Mapped[SlaPolicy] = relationship(back_populates="targets")
