"""Postmortems: drafted when an incident enters postmortem, edited section by section, published.

Provider staff who can see the incident write them; everyone else reads published ones of their own
organization's incidents, without the internal notes.
"""
from dataclasses import dataclass
import hashlib

from sqlalchemy import select

from app.extensions import db
from app.models import SECTIONS, Comment, Incident, IncidentStatus, Postmortem, PostmortemStatus, Source, User
from app.models.base import utcnow
from app.services import audit
from app.services.core import validation
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from app.services.core.events import emit, subscribe
from app.services.core.permissions import Permission, can, can_see
from app.services.postmortem_draft import first_draft, timeline_text

SECTION_MAX = 50_000
# Statuses whose incident may have a postmortem written for it.
WRITABLE_STATUSES = (IncidentStatus.POSTMORTEM, IncidentStatus.CLOSED)


def register():
    """Draft a postmortem whenever an incident enters postmortem, from any front."""
    subscribe("incident.status_changed")(_draft_when_entering_postmortem)


def _draft_when_entering_postmortem(event):
    if event.data.get("new") is IncidentStatus.POSTMORTEM and event.subject.postmortem is None:
        draft(event.subject, event.actor, event.source)


def draft(incident: Incident, actor: User | None, source=Source.SYSTEM) -> Postmortem:
    """Add a first draft for *incident* to the transaction, on its timeline; never commits."""
    postmortem = Postmortem(incident=incident, org_id=incident.org_id, status=PostmortemStatus.DRAFT,
                            version=1, updated_by=actor, **first_draft(incident))
    db.session.add(postmortem)
    db.session.flush()
    audit.record(incident, "postmortem_drafted", actor, source)
    emit("postmortem.drafted", postmortem, actor, source)
    return postmortem


# --- who may do what ---------------------------------------------------------------------------

def can_write(actor: User, incident: Incident) -> bool:
    """Provider staff who can see the incident write its postmortem."""
    return can(actor, Permission.WORK) and actor.is_provider_staff and can_see(actor, incident)


def can_read_internal(actor: User) -> bool:
    return actor.is_authenticated and actor.active and actor.is_provider_staff


def _readable(actor: User, postmortem: Postmortem | None, incident: Incident) -> bool:
    if can_write(actor, incident):
        return True
    return (postmortem is not None and postmortem.is_published and actor.is_authenticated and actor.active
            and actor.org_id == incident.org_id)


def _incident(number, *, for_update=False) -> Incident | None:
    query = select(Incident).where(Incident.number == number)
    return db.session.scalar(query.with_for_update() if for_update else query)


def _not_found(number):
    return NotFound(f"No postmortem for INC-{number} was found.")


def get_postmortem(actor: User, number: int) -> Postmortem:
    """The postmortem of incident *number* as *actor* may read it; its first view drafts one if missing."""
    incident = _incident(number)
    if incident is None:
        raise _not_found(number)
    postmortem = incident.postmortem
    if not _readable(actor, postmortem, incident):
        raise _not_found(number)
    if postmortem is None:
        if incident.status is not IncidentStatus.POSTMORTEM:
            raise _not_found(number)
        # In postmortem since before postmortems existed: draft it now, as Relay.
        postmortem = draft(incident, None, Source.SYSTEM)
        db.session.commit()
    return postmortem


def require_writer(actor: User, postmortem: Postmortem):
    """Refuse a reader who may not write *postmortem* (customers read published ones only)."""
    if not can_write(actor, postmortem.incident):
        raise Forbidden("Only the provider's responders can write postmortems.")


def load_for_writing(actor: User, number: int) -> Postmortem:
    """The postmortem of incident *number*, locked, if *actor* may write it."""
    incident = _incident(number, for_update=True)
    if incident is None or not _readable(actor, incident.postmortem, incident):
        raise _not_found(number)
    if not can_write(actor, incident):
        raise Forbidden("Only the provider's responders can write postmortems.")
    if incident.postmortem is None:
        raise _not_found(number)
    postmortem = db.session.scalar(select(Postmortem).where(Postmortem.id == incident.postmortem.id)
                                   .with_for_update().execution_options(populate_existing=True))
    return postmortem


def start_postmortem(actor: User, number: int, *, source=Source.WEB) -> Postmortem:
    """Draft a postmortem for an incident in postmortem or closed that has none yet."""
    incident = _incident(number, for_update=True)
    if incident is None or not can_see(actor, incident):
        raise _not_found(number)
    if not can_write(actor, incident):
        raise Forbidden("Only the provider's responders can write postmortems.")
    if incident.postmortem is not None:
        return incident.postmortem
    if incident.status not in WRITABLE_STATUSES:
        raise InvalidTransition(f"{incident.reference} is {incident.status.label.lower()}; its postmortem "
                                "starts when it enters postmortem.")
    postmortem = draft(incident, actor, source)
    db.session.commit()
    return postmortem


def sections_for(actor: User):
    """The sections *actor* may read, in order."""
    return [s for s in SECTIONS if not s.internal or can_read_internal(actor)]


# --- editing --------------------------------------------------------------------------------------

def section_hash(text: str | None) -> str:
    """What a section's text was, in 32 characters: the editor sends back the hash it started from."""
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()[:32]


def normalized(text) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass
class Clash:
    """A section two people changed: what is saved now, and what the second saver wrote."""

    key: str
    heading: str
    saved: str
    yours: str


class EditConflict(ValidationError):
    """Someone saved the postmortem meanwhile and changed a section this save changes too."""

    def __init__(self, postmortem: Postmortem, clashes: list[Clash], texts: dict[str, str]):
        who = postmortem.updated_by.display_name if postmortem.updated_by else "Someone"
        names = ", ".join(clash.heading for clash in clashes)
        super().__init__({clash.key: "Changed by someone else while you edited: compare and merge." for clash in clashes}
                         | {"": f"{who} saved this postmortem while you were editing, and also changed {names}. "
                                "Nothing was saved: your text is kept below, beside theirs."})
        self.postmortem, self.clashes, self.texts = postmortem, clashes, texts


def _version(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 2**31 - 1:
        raise ValidationError({"": "This form is out of date or damaged: reload the page."})
    return number


def _checked_text(value, section):
    text = validation.text(value if value is not None else "", section.key, max_length=SECTION_MAX,
                           required=False, label=section.heading)
    return normalized(text)


def edit_postmortem(actor: User, number: int, *, texts: dict, base_version, base_hashes: dict,
                    source=Source.WEB) -> Postmortem:
    """Save the sections in *texts*; a section someone else changed since *base_version* is a conflict.

    *base_hashes* holds, per section, section_hash() of the text the editor started from. Sections the
    editor did not touch keep whatever was saved meanwhile; nothing is saved if any section clashes.
    """
    postmortem = load_for_writing(actor, number)
    base = _version(base_version)
    if base > postmortem.version:
        raise ValidationError({"": "This form is out of date or damaged: reload the page."})
    allowed = {s.key: s for s in sections_for(actor)}
    wanted = {key: _checked_text(texts[key], allowed[key]) for key in allowed if texts.get(key) is not None}
    changes, clashes = {}, []
    for key, text in wanted.items():
        saved = getattr(postmortem, key)
        if text == saved:
            continue
        if base == postmortem.version:
            changes[key] = text
            continue
        started_from = base_hashes.get(key)
        if started_from == section_hash(text):
            continue  # untouched in this editor: keep what was saved meanwhile
        if started_from == section_hash(saved):
            changes[key] = text
        else:
            clashes.append(Clash(key, allowed[key].heading, saved, text))
    if clashes:
        error = EditConflict(postmortem, clashes, wanted)
        db.session.rollback()
        raise error
    if changes:
        for key, text in changes.items():
            setattr(postmortem, key, text)
        postmortem.version += 1
        postmortem.updated_at, postmortem.updated_by = utcnow(), actor
        headings = ", ".join(allowed[key].heading for key in changes)
        audit.record(postmortem.incident, "postmortem_edited", actor, source, field="postmortem", new=headings)
        emit("postmortem.edited", postmortem, actor, source, sections=list(changes))
    db.session.commit()
    return postmortem


def add_new_key_events(actor: User, number: int, *, source=Source.WEB) -> int:
    """Append to the timeline section the key events (and key comments) it does not list yet; how many."""
    postmortem = load_for_writing(actor, number)
    present = set(postmortem.timeline.splitlines())
    new = [line for line in timeline_text(postmortem.incident).splitlines() if line not in present]
    if new:
        postmortem.timeline = normalized("\n".join([postmortem.timeline, *new]))
        postmortem.version += 1
        postmortem.updated_at, postmortem.updated_by = utcnow(), actor
        audit.record(postmortem.incident, "postmortem_edited", actor, source, field="postmortem", new="Timeline")
    db.session.commit()
    return len(new)


def publish_postmortem(actor: User, number: int, *, source=Source.WEB) -> Postmortem:
    """Publish a draft: customers of the incident's organization can read it from now on."""
    postmortem = load_for_writing(actor, number)
    if postmortem.is_published:
        raise InvalidTransition(f"The postmortem of {postmortem.incident.reference} is already published.")
    postmortem.status = PostmortemStatus.PUBLISHED
    postmortem.published_at, postmortem.published_by = utcnow(), actor
    audit.record(postmortem.incident, "postmortem_published", actor, source)
    emit("postmortem.published", postmortem, actor, source)
    db.session.commit()
    return postmortem


def unpublish_postmortem(actor: User, number: int, *, source=Source.WEB) -> Postmortem:
    """Take a published postmortem back to draft (customers no longer see it)."""
    postmortem = load_for_writing(actor, number)
    if not postmortem.is_published:
        raise InvalidTransition(f"The postmortem of {postmortem.incident.reference} is a draft already.")
    postmortem.status, postmortem.published_at, postmortem.published_by = PostmortemStatus.DRAFT, None, None
    audit.record(postmortem.incident, "postmortem_unpublished", actor, source)
    db.session.commit()
    return postmortem


# --- key comments ---------------------------------------------------------------------------------

def can_mark_key(actor: User, incident: Incident) -> bool:
    return can(actor, Permission.WORK) and can_see(actor, incident)


def mark_key_comment(actor: User, number: int, comment_id, key: bool, *, source=Source.WEB) -> Comment:
    """Mark a comment on incident *number* as key (its postmortem's timeline lists it), or unmark it."""
    incident = _incident(number, for_update=True)
    if incident is None or not can_see(actor, incident):
        raise NotFound(f"Incident INC-{number} was not found.")
    if not can_mark_key(actor, incident):
        raise Forbidden("Only responders can mark key comments.")
    comment_id = validation.optional_id(comment_id, "comment_id")
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is None or comment.incident_id != incident.id:
        raise NotFound("That comment was not found.")
    if comment.is_key != bool(key):
        comment.is_key = bool(key)
        audit.record(incident, "comment_marked_key" if key else "comment_unmarked_key", actor, source,
                     new=comment.body[:200])
    db.session.commit()
    return comment
