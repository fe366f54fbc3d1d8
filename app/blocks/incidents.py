"""Block Kit for incidents: the declare modal, the pinned summary, the headline and short lines."""
import json

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, HeaderBlock, InputBlock, MarkdownTextObject, Option,
    PlainTextInputElement, SectionBlock, StaticSelectElement, UserSelectElement,
)
from slack_sdk.models.views import View

from app.blocks.sla import sla_text
from app.blocks.text import escape, person
from app.links import absolute_url
from app.models import IncidentStatus, Severity
from app.services.incident_lifecycle import transitions_from

DECLARE_CALLBACK = "incident.declare"
TRANSITION_ACTION = "incident.transition"
ASSIGN_ME_ACTION = "incident.assign_me"
OPEN_ACTION = "incident.open"
ESCALATE_ACTION = "incident.escalate"
ESCALATE_CALLBACK = "incident.escalate"
MAX_OPTIONS = 100  # Slack's limit for a static select
# Stands for the incident's own channel until the worker knows its id (users' text never holds a raw "<").
CHANNEL_LINK = "<#incident-channel>"

STATUS_EMOJI = {
    IncidentStatus.DETECTED: ":red_circle:", IncidentStatus.INVESTIGATING: ":large_orange_circle:",
    IncidentStatus.MITIGATED: ":large_yellow_circle:", IncidentStatus.RESOLVED: ":large_green_circle:",
    IncidentStatus.POSTMORTEM: ":memo:", IncidentStatus.CLOSED: ":white_check_mark:",
}


def _input(block_id, label, element, optional=False, hint=None):
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)


def declare_modal(product_areas, channel_id=""):
    """The /incident modal: title, description, severity, product area, commander."""
    severities = [Option(value=s.value, text=f"{s.label}: {s.description}") for s in Severity]
    blocks = [
        _input("title", "Title", PlainTextInputElement(action_id="value", max_length=200,
                                                       placeholder="What is broken?")),
        _input("description", "Description", PlainTextInputElement(action_id="value", multiline=True,
                                                                   max_length=3000), optional=True),
        _input("severity", "Severity", StaticSelectElement(action_id="value", options=severities,
                                                           initial_option=severities[2])),
    ]
    areas = [Option(value=str(a.id), text=a.name[:75]) for a in product_areas[:MAX_OPTIONS]]
    if areas:
        blocks.append(_input("product_area", "Product area",
                             StaticSelectElement(action_id="value", options=areas), optional=True))
    blocks.append(_input("commander", "Incident commander", UserSelectElement(action_id="value"),
                         optional=True, hint="Must have a Relay responder account."))
    return View(type="modal", callback_id=DECLARE_CALLBACK, title="Declare an incident",
                submit="Declare", close="Cancel", private_metadata=channel_id[:3000], blocks=blocks)


def incident_url(incident):
    return absolute_url("incidents.detail", number=incident.number)


def _status(incident):
    return f"{STATUS_EMOJI[incident.status]} {incident.status.label}"


def incident_summary(incident):
    """The pinned summary in the incident channel, with the buttons for what can happen next."""
    fields = [
        MarkdownTextObject(text=f"*Status*\n{_status(incident)}"),
        MarkdownTextObject(text=f"*Severity*\n{incident.severity.label}"),
        MarkdownTextObject(text=f"*Commander*\n{person(incident.commander)}"),
        MarkdownTextObject(text=f"*Assignee*\n{person(incident.assignee)}"),
        MarkdownTextObject(text=f"*Product area*\n{escape(incident.product_area.name) if incident.product_area else '—'}"),
        MarkdownTextObject(text=f"*Reporter*\n{person(incident.reporter)}"),
        MarkdownTextObject(text=f"*SLA*\n{sla_text(incident)}"),
    ]
    blocks = [HeaderBlock(text=f"{incident.reference}: {incident.title}"[:150]),
              SectionBlock(fields=fields)]
    if incident.description:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escape(incident.description, 2900))))
    blocks.append(ActionsBlock(block_id=f"incident:{incident.number}", elements=action_buttons(incident)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"<{incident_url(incident)}|Open in Relay>")]))
    return _message(f"{incident.reference} {incident.status.label}: {escape(incident.title)}", blocks)


def action_buttons(incident):
    """Buttons for the lifecycle moves from the current status, then Assign to me and a link."""
    buttons = []
    for move in transitions_from(incident.status):
        style = "danger" if "danger" in move.style else ("primary" if move.style == "primary" else None)
        buttons.append(ButtonElement(
            action_id=f"{TRANSITION_ACTION}.{move.target.value}", text=move.label[:75], style=style,
            value=json.dumps({"n": incident.number, "from": move.source.value, "to": move.target.value}),
        ))
    if incident.status != IncidentStatus.CLOSED:
        buttons.append(ButtonElement(action_id=ASSIGN_ME_ACTION, text="Assign to me",
                                     value=json.dumps({"n": incident.number})))
    if incident.status.is_open:
        buttons.append(ButtonElement(action_id=ESCALATE_ACTION, text="Escalate", style="danger",
                                     value=json.dumps({"n": incident.number})))
    buttons.append(ButtonElement(action_id=OPEN_ACTION, text="Open in Relay", url=incident_url(incident)))
    return buttons


def incident_headline(incident):
    """The one-message headline in the incidents channel, linking to the incident's own channel."""
    where = f" · {CHANNEL_LINK}"
    sla = f" · SLA {sla_text(incident)}" if incident.sla_state else ""
    text = (f"{STATUS_EMOJI[incident.status]} *<{incident_url(incident)}|{incident.reference}>* "
            f"{escape(incident.title)} · {incident.severity.label} · {incident.status.label}{sla}{where}")
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text[:3000]))])


def declared_here_note(incident, actor):
    """The short note in the channel where /incident was run."""
    who = f"<@{actor.slack_user_id}>" if actor is not None and actor.slack_user_id else "Someone"
    text = (f":rotating_light: {who} declared *<{incident_url(incident)}|{incident.reference}>* "
            f"({incident.severity.label}); follow it in {CHANNEL_LINK}.")
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def incident_dm(incident, role):
    text = (f"You are the {role} of *<{incident_url(incident)}|{incident.reference}>* "
            f"({incident.severity.label}): {escape(incident.title)}")
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text[:3000]))])


def deleted_notice(reference, title):
    text = f":wastebasket: {reference} ({escape(title)}) was deleted."
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def _message(text, blocks):
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}
