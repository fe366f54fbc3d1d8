"""SLA text for Slack: the state on every card, and the alert sent when a target is at risk or breached."""
import json

from slack_sdk.models.blocks import (
    InputBlock, MarkdownTextObject, Option, PlainTextInputElement, SectionBlock, StaticSelectElement,
)
from slack_sdk.models.views import View

from app.blocks.text import escape, slack_date
from app.links import absolute_url
from app.models import Incident, SlaState

EMOJI = {SlaState.ON_TRACK: ":large_green_circle:", SlaState.AT_RISK: ":large_yellow_circle:",
         SlaState.BREACHED: ":red_circle:", SlaState.MET: ":white_check_mark:"}


def sla_text(record) -> str:
    """"On track · due <date>": the state and deadline (Slack shows the date in each reader's zone)."""
    if record.sla_state is None:
        return "—"
    text = f"{EMOJI[record.sla_state]} {record.sla_state.label}"
    if record.sla_due_at is not None and record.sla_state != SlaState.MET:
        text += f" · due {slack_date(record.sla_due_at)}"
    elif record.sla_state in (SlaState.ON_TRACK, SlaState.AT_RISK):
        text += " · paused"
    return text


def _url(record):
    endpoint = "incidents.detail" if isinstance(record, Incident) else "tickets.detail"
    return absolute_url(endpoint, number=record.number)


def sla_alert(record, label, action, clock):
    """The direct message about one target at risk or breached."""
    what = "is at risk" if action == "at_risk" else "was breached"
    due = f" (due {slack_date(clock.due_at)})" if clock.due_at else ""
    text = (f"{EMOJI[SlaState.AT_RISK if action == 'at_risk' else SlaState.BREACHED]} The {escape(label.lower())} "
            f"target of *<{_url(record)}|{record.reference}>* {what}{due}: {escape(record.title)}")
    return {"text": text[:3000], "blocks": [SectionBlock(text=MarkdownTextObject(text=text[:3000])).to_dict()]}


def escalate_modal(record):
    """The manager's Escalate form for an incident or a ticket: a reason (required) and what the escalation does."""
    incident = isinstance(record, Incident)
    level, kind = (record.severity, "incident") if incident else (record.priority, "ticket")
    word, others = ("severity", "commander") if incident else ("priority", "escalation person")
    choices = [("raise_and_page", f"Raise {word} and page on-call"), ("raise", f"Raise {word} one step"),
               ("page", "Page on-call"), ("notify", f"Only tell the managers and {others}")]
    options = [Option(value=value, label=label) for value, label in choices]
    return View(type="modal", callback_id=f"{kind}.escalate", title="Escalate", submit="Escalate",
                close="Cancel", private_metadata=json.dumps({"n": record.number}), blocks=[
                    SectionBlock(text=MarkdownTextObject(
                        text=f"*{record.reference}* ({level.label}): {escape(record.title)}"[:3000])),
                    InputBlock(block_id="reason", label="Why escalate?", element=PlainTextInputElement(
                        action_id="value", multiline=True, max_length=500)),
                    InputBlock(block_id="steps", label="What to do", element=StaticSelectElement(
                        action_id="value", options=options, initial_option=options[0]))])
