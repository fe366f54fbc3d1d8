"""Outside identities: a Slack member, a PagerDuty user or an API client linked to a Relay account."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class ExternalIdentity(db.Model):
    """One account's id at an outside provider; each id, and each account per provider, is linked once."""

    __tablename__ = "external_identities"
    __table_args__ = (
        UniqueConstraint("provider", "external_id", name="uq_external_identities_provider_external_id"),
        UniqueConstraint("provider", "user_id", name="uq_external_identities_provider_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))       # slack | pagerduty | api
    external_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship(back_populates="identities")  # noqa: F821
