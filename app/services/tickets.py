"""Tickets: raise, find, work through the lifecycle, assign, edit, comment."""
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import Campaign, Comment, IssueType, Priority, Source, Ticket, TicketStatus, User, next_number
from app.models.base import utcnow
from app.services import attachments, audit
from app.services.assignment import check_assignee
from app.services.core import validation
from app.services.core.errors import Forbidden, InvalidTransition, ValidationError
from app.services.core.events import emit
from app.services.core.permissions import Permission, can, can_see, load_visible, require, staff_member, target_org
from app.services.core.records import apply_assignment, apply_move, check_unchanged, shown
from app.services.ticket_lifecycle import LIFECYCLE

TITLE_MAX = 200
DETAILS_MAX = 20_000
URL_MAX = 500
COMMENT_MAX = 10_000
NOTES_MAX = 10_000


def load_ticket(actor: User, number: int, *, for_update=False) -> Ticket:
    """The ticket numbered *number*, or NotFound if *actor* may not see it."""
    return load_visible(actor, Ticket, number, for_update=for_update)


def get_ticket(actor: User, number: int) -> Ticket:
    """Return the ticket numbered *number* if *actor* may see it."""
    return load_ticket(actor, number)


def _option(model, value, field, current=None):
    """An active campaign or issue type by id (the ticket's current one stays allowed)."""
    option_id = validation.optional_id(value, field)
    if option_id is None:
        return None
    option = db.session.get(model, option_id)
    if option is None or not (option.active or option == current):
        raise ValidationError({field: "Choose an option from the list."})
    return option


def _external_url(value):
    url = validation.text(value, "external_url", max_length=URL_MAX, required=False, label="External link")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValidationError({"external_url": "External link must be an http:// or https:// address."})
    return url


def _fields(values, current=None):
    get = (lambda name, default=None: values.get(name, getattr(current, name, default))) if current else values.get
    return dict(
        title=validation.text(get("title"), "title", max_length=TITLE_MAX),
        details=validation.text(get("details", ""), "details", max_length=DETAILS_MAX, required=False),
        priority=validation.choice(Priority, get("priority") or "medium", "priority"),
        campaign=_option(Campaign, get("campaign_id"), "campaign_id", current and current.campaign),
        issue_type=_option(IssueType, get("issue_type_id"), "issue_type_id", current and current.issue_type),
        external_url=_external_url(get("external_url")),
    )


def create_ticket(actor: User, *, title, priority="medium", details="", campaign_id=None, issue_type_id=None,
                  external_url=None, org_id=None, source=Source.WEB, event_data=None, screenshot=None) -> Ticket:
    """Raise a new ticket, numbered and on the record, with its *screenshot* (an upload) if one is given.

    The ticket and its screenshot are one transaction: if the file cannot be stored, there is no ticket.
    *event_data* rides along on the ticket.created event, so a front can hand its
    notifier extra work (e.g. a Slack file to fetch) inside the same transaction.
    """
    require(actor, Permission.RAISE)
    checked = attachments.prepare_upload(screenshot) if screenshot is not None else None
    fields = _fields(dict(title=title, priority=priority, details=details, campaign_id=campaign_id,
                          issue_type_id=issue_type_id, external_url=external_url))
    attachment = None
    try:
        ticket = open_ticket(actor, fields, org_id=org_id, source=source, event_data=event_data)
        if checked is not None:
            attachment = attachments.stage_attachment(actor, ticket, checked, source)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if attachment is not None:
            attachments.remove_files([attachment.storage_key])
        raise
    return ticket


def open_ticket(actor: User, fields: dict, *, org_id=None, source=Source.WEB, event_data=None) -> Ticket:
    """Add a new numbered ticket with checked *fields* (see ticket_fields) to the transaction; never commits."""
    ticket = Ticket(**fields, org_id=target_org(actor, org_id, "tickets"), reporter_id=actor.id,
                    status=TicketStatus.OPEN, number=next_number("ticket"))
    db.session.add(ticket)
    db.session.flush()
    audit.record(ticket, "created", actor, source, new=f"{ticket.priority.label}: {ticket.title}")
    emit("ticket.created", ticket, actor, source, **(event_data or {}))
    return ticket


def ticket_fields(**values) -> dict:
    """A new ticket's fields from plain *values*, checked (ValidationError names the field)."""
    return _fields(values)


def allowed_transitions(actor: User, ticket: Ticket):
    """The lifecycle moves *actor* may make on *ticket* right now."""
    return LIFECYCLE.allowed(actor, ticket)


def can_take(actor: User, ticket: Ticket) -> bool:
    """Whether *actor* may use Assign to me on *ticket* now (what assign_to_me enforces)."""
    return (can(actor, Permission.WORK) and can_see(actor, ticket) and ticket.status != TicketStatus.CLOSED
            and ticket.assignee_id != actor.id)


def check_move(actor: User, ticket: Ticket, target: TicketStatus):
    """The lifecycle move from *ticket*'s status to *target*, if *actor* may make it; else why not."""
    return LIFECYCLE.check(actor, ticket, target)


def _move(actor, ticket, target, source, notes=None):
    """Apply one lifecycle move to a loaded ticket (no commit)."""
    apply_move(LIFECYCLE, actor, ticket, target, source, notes=notes, notes_max=NOTES_MAX)


def transition_ticket(actor: User, number: int, target, *, expected_status=None, resolution_notes=None,
                      source=Source.WEB) -> Ticket:
    """Move a ticket to *target*, if the lifecycle and *actor*'s role allow it."""
    ticket = load_ticket(actor, number, for_update=True)
    target = validation.choice(TicketStatus, target, "status")
    check_unchanged(ticket, expected_status)
    _move(actor, ticket, target, source, resolution_notes)
    db.session.commit()
    return ticket


def resolve_ticket(actor: User, number: int, resolution_notes, *, source=Source.WEB) -> Ticket:
    """Resolve a ticket in progress, saying how."""
    return transition_ticket(actor, number, TicketStatus.RESOLVED, resolution_notes=resolution_notes,
                             source=source)


def close_ticket(actor: User, number: int, *, source=Source.WEB) -> Ticket:
    """Close a resolved ticket."""
    return transition_ticket(actor, number, TicketStatus.CLOSED, source=source)


def reopen_ticket(actor: User, number: int, *, source=Source.WEB) -> Ticket:
    """Send a resolved or closed ticket back to open."""
    return transition_ticket(actor, number, TicketStatus.OPEN, source=source)


def assign_to_me(actor: User, number: int, *, source=Source.WEB) -> Ticket:
    """Take a ticket: it becomes *actor*'s, and an open one moves to in progress."""
    ticket = load_ticket(actor, number, for_update=True)
    require(actor, Permission.WORK)
    if ticket.status == TicketStatus.CLOSED:
        raise InvalidTransition(f"{ticket.reference} is closed; reopen it before taking it.")  # see can_take
    if ticket.assignee_id != actor.id:
        apply_assignment(actor, ticket, staff_member(actor.id, ticket.org_id, "assignee_id"), source, "ticket")
    if ticket.status == TicketStatus.OPEN:
        _move(actor, ticket, TicketStatus.IN_PROGRESS, source)
    db.session.commit()
    return ticket


def reassign_ticket(actor: User, number: int, assignee_id, *, comment=None, source=Source.WEB) -> Ticket:
    """Hand a ticket to someone else (managers), or drop one's own, with an optional comment."""
    ticket = load_ticket(actor, number, for_update=True)
    assignee = check_assignee(actor, ticket, assignee_id)
    note = validation.text(comment, "comment", max_length=COMMENT_MAX, required=False, label="Comment")
    apply_assignment(actor, ticket, assignee, source, "ticket")
    if note:
        _add_comment(actor, ticket, note, source)
    db.session.commit()
    return ticket


EDITABLE = ("title", "details", "priority", "campaign", "issue_type", "external_url")


def edit_ticket(actor: User, number: int, *, source=Source.WEB, **changes) -> Ticket:
    """Change a ticket's details; each changed field goes on the timeline."""
    ticket = load_ticket(actor, number, for_update=True)
    if not (can(actor, Permission.WORK) or ticket.reporter_id == actor.id):
        raise Forbidden("Only responders or the reporter can edit this ticket.")
    new = _fields(changes, ticket)
    changed = {}
    for field in EDITABLE:
        old_value, new_value = getattr(ticket, field), new[field]
        if old_value == new_value:
            continue
        setattr(ticket, field, new_value)
        changed[field] = (old_value, new_value)
        audit.record(ticket, "edited", actor, source, field=field, old=shown(old_value), new=shown(new_value))
    if changed:
        emit("ticket.edited", ticket, actor, source, changes=changed)
    db.session.commit()
    return ticket


def _add_comment(actor, ticket, body, source):
    comment = Comment(ticket_id=ticket.id, author_id=actor.id, body=body)
    db.session.add(comment)
    ticket.updated_at = utcnow()
    db.session.flush()
    audit.record(ticket, "commented", actor, source, new=body[:200])
    emit("ticket.commented", ticket, actor, source, comment=comment)
    if ticket.status == TicketStatus.WAITING and actor.id == ticket.reporter_id:
        _customer_replied(actor, ticket, source)
    return comment


def _customer_replied(reporter, ticket, source):
    """The reporter answered a ticket waiting on them: it goes back to in progress, and its clock runs again."""
    ticket.status = TicketStatus.IN_PROGRESS
    audit.record(ticket, "status_changed", reporter, source, field="status", old=TicketStatus.WAITING,
                 new=TicketStatus.IN_PROGRESS)
    emit("ticket.status_changed", ticket, reporter, source, old=TicketStatus.WAITING, new=TicketStatus.IN_PROGRESS)


def comment_on_ticket(actor: User, number: int, body, *, source=Source.WEB) -> Comment:
    """Add a comment from *actor* to a ticket they can see (the reporter's answer ends waiting on customer)."""
    ticket = load_ticket(actor, number, for_update=True)
    require(actor, Permission.RAISE)
    comment = _add_comment(actor, ticket, validation.text(body, "body", max_length=COMMENT_MAX, label="Comment"),
                           source)
    db.session.commit()
    return comment


def comments_for(ticket: Ticket):
    return db.session.scalars(
        select(Comment).where(Comment.ticket_id == ticket.id).order_by(Comment.created_at, Comment.id)
    ).all()
