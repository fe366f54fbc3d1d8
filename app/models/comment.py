"""Comments people leave on an incident or a ticket."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.user import User


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_incident_created", "incident_id", "created_at"),
        Index("ix_comments_ticket_created", "ticket_id", "created_at"),
        # A comment belongs to exactly one record: an incident or a ticket.
        CheckConstraint("(incident_id IS NULL AND ticket_id IS NOT NULL)"
                        " OR (incident_id IS NOT NULL AND ticket_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Marked on the incident page; key comments go into the postmortem's timeline.
    is_key: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
