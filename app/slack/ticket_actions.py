"""Ticket buttons and modals: the same ticket services as the web, refusals explained to the presser."""
import json

from app.extensions import db
from app.models import Source, TicketStatus
from app.services import sla_escalation, tickets
from app.services.core.errors import DomainError, ValidationError
from app.services.core.permissions import Permission, require
from app.blocks import tickets as ticket_views
from app.blocks.sla import escalate_modal
from app.slack import people
from app.slack.forms import BadPayload, button_value, field_errors, record_number, string, values
from app.slack.receipts import first_time
from app.slack.replies import tell_later
from app.slack.ui import open_modal

CREATE_FIELDS = {"title": "title", "details": "details", "priority": "priority", "campaign_id": "campaign",
                 "issue_type_id": "issue_type", "external_url": "title"}


def _actor(payload):
    return people.actor_for(payload["user"].get("id"), people.channel_of(payload))


def assign_me(payload, action):
    number = button_value(action)["n"]
    tickets.assign_to_me(_actor(payload), number, source=Source.SLACK)


def _open(payload, view):
    refusal = open_modal(payload.get("trigger_id"), view)
    if refusal:
        tell_later(payload, refusal["text"])


def reassign(payload, action):
    number = button_value(action)["n"]
    actor = _actor(payload)
    require(actor, Permission.WORK, "Only responders and above can reassign tickets.")
    _open(payload, ticket_views.reassign_modal(tickets.get_ticket(actor, number)))


def resolve(payload, action):
    number = button_value(action)["n"]
    actor = _actor(payload)
    require(actor, Permission.WORK, "Only responders and above can resolve tickets.")
    ticket = tickets.get_ticket(actor, number)
    tickets.check_move(actor, ticket, TicketStatus.RESOLVED)  # refuse before the modal, not after it
    _open(payload, ticket_views.resolve_modal(ticket))


def _move(target):
    def press(payload, action):
        value = button_value(action)
        tickets.transition_ticket(_actor(payload), value["n"], target, expected_status=value.get("from"),
                                  source=Source.SLACK)
    return press


def escalate(payload, action):
    """Escalate: managers get the form (reason, what to do); others are told why not."""
    number = button_value(action)["n"]
    actor = _actor(payload)
    require(actor, Permission.ESCALATE, "Only a manager or above can escalate a ticket.")
    _open(payload, escalate_modal(tickets.get_ticket(actor, number)))


ACTIONS = {"ticket.assign_me": assign_me, "ticket.escalate": escalate, "ticket.reassign": reassign, "ticket.resolve": resolve,
           "ticket.close": _move(TicketStatus.CLOSED), "ticket.reopen": _move(TicketStatus.OPEN)}


def run_submission(view, block, run, fields=None):
    """Run a modal's service call; refusals are shown on the modal (on *block* unless *fields* say)."""
    try:
        if not first_time(f"view:{view.get('id')}"):
            return None
        run()
    except ValidationError as error:
        db.session.rollback()
        return field_errors(error, fields or {}, fallback=block)
    except DomainError as error:
        db.session.rollback()
        return {"response_action": "errors", "errors": {block: error.message}}
    return None


def metadata_number(view):
    """The record number a Relay modal carries in its metadata."""
    try:
        metadata = json.loads(string(view.get("private_metadata"), "The form's metadata", 3000) or "")
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict):
        raise BadPayload("The form does not say which record it is about.")
    return record_number(metadata.get("n"))


def create(payload, view):
    form = values(view)

    def run():
        files = (form.get("screenshot") or [])[:1]
        # The file is fetched by the worker; its outbox row commits with the ticket (slack_tickets.py).
        tickets.create_ticket(_actor(payload), title=form.get("title"), details=form.get("details") or "",
                              priority=form.get("priority") or "medium", campaign_id=form.get("campaign"),
                              issue_type_id=form.get("issue_type"), source=Source.SLACK,
                              event_data={"slack_file_ids": files})
    return run_submission(view, "title", run, CREATE_FIELDS)


def reassign_submit(payload, view):
    number, form = metadata_number(view), values(view)

    def run():
        actor = _actor(payload)
        assignee = people.account_for(form.get("assignee"), "assignee_id")
        if assignee is None:
            raise ValidationError({"assignee_id": "That person has no Relay account; pick a responder."})
        tickets.reassign_ticket(actor, number, assignee.id, comment=form.get("comment"), source=Source.SLACK)
    return run_submission(view, "assignee", run, {"assignee_id": "assignee", "comment": "comment"})


def resolve_submit(payload, view):
    number, form = metadata_number(view), values(view)
    return run_submission(view, "notes", lambda: tickets.resolve_ticket(_actor(payload), number, form.get("notes"),
                                                                 source=Source.SLACK))


def escalate_submit(payload, view):
    """Escalate from the modal: the same service as the web; a refusal is shown on the form."""
    number, form = metadata_number(view), values(view)
    return run_submission(view, "reason", lambda: sla_escalation.escalate_ticket(
        _actor(payload), number, form.get("reason"), form.get("steps") or "raise_and_page", source=Source.SLACK),
        {"reason": "reason", "steps": "steps"})


SUBMISSIONS = {ticket_views.CREATE_CALLBACK: create, ticket_views.REASSIGN_CALLBACK: reassign_submit,
               ticket_views.RESOLVE_CALLBACK: resolve_submit, ticket_views.ESCALATE_CALLBACK: escalate_submit}
