"""Postmortems: the document written after an incident, its sections and its action items."""
from datetime import date, datetime
import enum

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.incident import Incident
from app.models.ticket import Ticket
from app.models.user import User


class PostmortemStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self):
        return self.value.capitalize()


class Section:
    """One Markdown section of a postmortem: its column, heading and who may read it."""

    def __init__(self, key, heading, hint, internal=False):
        self.key, self.heading, self.hint, self.internal = key, heading, hint, internal


# In the order they are shown, edited and exported.
SECTIONS = (
    Section("summary", "Summary", "What happened, to whom, for how long (written from the record)."),
    Section("timeline", "Timeline", "Key events, in UTC (written from the record; edit freely)."),
    Section("what_happened", "What happened", "The story of the incident, in plain words."),
    Section("root_cause", "Root cause", "Why it happened: the causes and contributing factors."),
    Section("went_well", "What went well", "What helped: detection, tools, people."),
    Section("went_wrong", "What went wrong", "What made it worse or slower."),
    Section("lessons", "Lessons", "What we learned and will do differently."),
    Section("internal_notes", "Internal notes", "Only your team sees this: customers never do.", internal=True),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


class Postmortem(db.Model):
    __tablename__ = "postmortems"
    __table_args__ = (
        # The published list: newest first, per organization.
        Index("ix_postmortems_org_status_published", "org_id", "status", "published_at"),
        Index("ix_postmortems_status_published", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    # The incident's organization, kept here so the list filters without a join.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[PostmortemStatus] = mapped_column(enum_column(PostmortemStatus),
                                                     default=PostmortemStatus.DRAFT)
    # Bumped on every save: a save made from an older version is checked section by section.
    version: Mapped[int] = mapped_column(default=1)
    summary: Mapped[str] = mapped_column(Text, default="")
    timeline: Mapped[str] = mapped_column(Text, default="")
    what_happened: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    went_wrong: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    incident: Mapped[Incident] = relationship(backref=backref("postmortem", uselist=False, passive_deletes=True))
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    action_items: Mapped[list["ActionItem"]] = relationship(
        back_populates="postmortem", order_by="ActionItem.id", passive_deletes=True)

    @property
    def reference(self):
        return f"Postmortem of {self.incident.reference}"

    @property
    def is_published(self):
        return self.status is PostmortemStatus.PUBLISHED

    def __repr__(self):
        return f"<Postmortem {self.incident_id} v{self.version}>"


class ActionItem(db.Model):
    """A ticket that follows up a postmortem; its owner, priority and status are the ticket's own."""

    __tablename__ = "postmortem_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), unique=True)
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    postmortem: Mapped[Postmortem] = relationship(back_populates="action_items")
    ticket: Mapped[Ticket] = relationship()
