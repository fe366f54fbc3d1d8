"""What people chose not to hear about, and which scheduled job ran for which period."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class NotificationOptOut(db.Model):
    """One row per user and kind of notification they turned off (everything is on by default)."""

    __tablename__ = "notification_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)


class JobRun(db.Model):
    """A scheduled job's run for one period; the unique pair is what makes it run once."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))     # e.g. 2026-11-26 or 2026-W48
    ran_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    deliveries: Mapped[int] = mapped_column(default=0)  # how many messages it queued
