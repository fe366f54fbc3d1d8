"""Files attached to an incident or a ticket: screenshots and logs."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.user import User

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_incident_created", "incident_id", "created_at"),
        Index("ix_attachments_ticket_created", "ticket_id", "created_at"),
        # An attachment belongs to exactly one record: an incident or a ticket.
        CheckConstraint("(incident_id IS NULL AND ticket_id IS NOT NULL)"
                        " OR (incident_id IS NOT NULL AND ticket_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))          # sanitized, for display only
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)  # random, never from the user
    content_type: Mapped[str] = mapped_column(String(100))      # detected from the content
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploader: Mapped[User] = relationship()

    @property
    def is_image(self):
        return self.content_type in IMAGE_TYPES

    def __repr__(self):
        return f"<Attachment {self.id} {self.filename}>"
