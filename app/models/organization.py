"""Organizations: the tenants that own incidents, tickets and users."""
from datetime import datetime

from sqlalchemy import String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # The provider runs Relay; its staff see every organization's records.
    is_provider: Mapped[bool] = mapped_column(default=False)
    # Incident channels in Slack are private unless the organization chose otherwise.
    slack_channels_private: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Closing an incident needs its postmortem published and every action item owned.
    postmortem_required_to_close: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<Organization {self.slug}>"
