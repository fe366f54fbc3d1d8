"""Interactions: modal submissions and button presses, turned into the same service calls as the web."""
from app.extensions import db
from app.models import Source
from app.services import incidents, pagerduty, sla_escalation
from app.services.core.errors import DomainError, ValidationError
from app.services.core.permissions import Permission, require
from app.blocks import escalations as escalation_views
from app.blocks import incidents as views
from app.blocks.sla import escalate_modal
from app.slack import people, ticket_actions
from app.slack.forms import BadPayload, button_value, field_errors, string, values
from app.slack.receipts import first_time
from app.slack.replies import reply_to, tell_later
from app.slack.ui import open_modal


# Service field names -> the modal blocks that show their errors.
DECLARE_FIELDS = {"title": "title", "description": "description", "severity": "severity",
                  "product_area_id": "product_area", "commander_id": "commander"}


def declare(payload, view):
    """Declare the incident from the modal; Slack retries of the same submission do nothing."""
    form = values(view)
    try:
        actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
        commander = people.account_for(form.get("commander"), "commander_id")
        if form.get("commander") and commander is None:
            raise ValidationError({"commander_id": "That person has no Relay account; pick a responder."})
        if not first_time(f"view:{view.get('id')}"):
            return None
        incidents.declare_incident(
            actor, title=form.get("title"), description=form.get("description") or "",
            severity=form.get("severity"), product_area_id=form.get("product_area"),
            commander_id=commander.id if commander else None, source=Source.SLACK,
            event_data={"slack_channel": _origin_channel(view)})
    except ValidationError as error:
        db.session.rollback()
        return field_errors(error, DECLARE_FIELDS)
    except DomainError as error:
        db.session.rollback()
        return {"response_action": "errors", "errors": {"title": error.message}}
    return None


def _origin_channel(view):
    """The channel /incident was run in, which the modal carries; None if it carries nothing usable."""
    metadata = view.get("private_metadata")
    return metadata if isinstance(metadata, str) and len(metadata) <= 40 else None


def escalate_button(payload, action):
    """Escalate: managers get the form (reason, what to do); others are told why not."""
    number = button_value(action)["n"]
    actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
    require(actor, Permission.ESCALATE, "Only a manager or above can escalate an incident.")
    refusal = open_modal(payload.get("trigger_id"), escalate_modal(incidents.get_incident(actor, number)))
    if refusal:
        tell_later(payload, refusal["text"])


def escalate_submit(payload, view):
    """Escalate from the modal; a refusal is shown on the form."""
    form, number = values(view), ticket_actions.metadata_number(view)

    def run():
        actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
        sla_escalation.escalate_incident(actor, number, form.get("reason"), form.get("steps") or "raise_and_page",
                                         source=Source.SLACK)
    return ticket_actions.run_submission(view, "reason", run, {"reason": "reason", "steps": "steps"})


SUBMISSIONS = {views.DECLARE_CALLBACK: declare, views.ESCALATE_CALLBACK: escalate_submit,
               **ticket_actions.SUBMISSIONS}


def transition(payload, action):
    value = button_value(action)
    actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
    incidents.transition_incident(actor, int(value["n"]), value.get("to"), expected_status=value.get("from"),
                                  source=Source.SLACK)


def assign_me(payload, action):
    number = int(button_value(action)["n"])
    actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
    incidents.assign_incident(actor, number, actor.id, source=Source.SLACK)


def check_status(payload, action):
    """Check status: what Relay knows, told privately at once; PagerDuty's own answer follows from the worker."""
    number = button_value(action)["n"]
    actor = people.actor_for(payload["user"].get("id"), people.channel_of(payload))
    tell_later(payload, pagerduty.request_status(actor, number, reply_to(payload)))


def link_button(payload, action):
    """Slack reports presses of link buttons too; the browser does the work."""


def _action_handler(action_id):
    if action_id.startswith(views.TRANSITION_ACTION + "."):
        return transition
    return {views.ASSIGN_ME_ACTION: assign_me, views.OPEN_ACTION: link_button, views.ESCALATE_ACTION: escalate_button,
            escalation_views.CHECK_STATUS_ACTION: check_status, **ticket_actions.ACTIONS}.get(action_id)


def block_actions(payload):
    """Run the pressed button's service call; a refusal becomes an ephemeral explanation."""
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise BadPayload("The interaction names no action.")
    action_id = string(actions[0].get("action_id"), "The action id", 255) or ""
    handler = _action_handler(action_id)
    if handler is None:
        raise BadPayload(f"Relay has no button called {action_id[:60]!r}.")
    try:
        handler(payload, actions[0])
    except DomainError as error:
        db.session.rollback()
        tell_later(payload, error.message)
    return None


def dispatch(payload):
    """Route one interaction payload by type and callback or action id."""
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), dict):
        raise BadPayload("The interaction payload is malformed.")
    kind = string(payload.get("type"), "The interaction type", 40)
    if kind == "block_actions":
        return block_actions(payload)
    if kind == "view_submission":
        view = payload.get("view")
        if not isinstance(view, dict):
            raise BadPayload("The submission has no view.")
        callback_id = string(view.get("callback_id"), "The form's callback id", 255) or ""
        handler = SUBMISSIONS.get(callback_id)
        if handler is None:
            raise BadPayload(f"Relay has no form called {callback_id[:60]!r}.")
        return handler(payload, view)
    if kind == "view_closed":
        return None
    raise BadPayload(f"Relay does not handle {str(kind)[:40]!r} interactions.")
