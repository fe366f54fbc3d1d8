"""Campaigns and issue types: the admin-managed lists a ticket is filed under."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class _TicketOption:
    """An entry in an admin-managed list: a unique name, an order and an on/off switch."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class Campaign(_TicketOption, db.Model):
    __tablename__ = "campaigns"


class IssueType(_TicketOption, db.Model):
    __tablename__ = "issue_types"
