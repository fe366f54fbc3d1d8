"""Answers to Slack: immediate JSON bodies, and ephemeral notes that go out through the outbox."""
import uuid

from app.extensions import db
from app.outbox import enqueue

HELP = """*Relay in Slack*
• `/incident`: declare an incident (opens a form)
• `/incident help`: this help · `/incident ping`: check Relay answers
• `/new-ticket`: raise a ticket
• `/agent-tickets`: your tickets · `/system-tickets`: all open tickets · `/ticket-summary`: counts
Buttons on incident and ticket messages act for you, with your Relay role."""


def ephemeral(text):
    """The body of an immediate reply only the sender sees."""
    return {"response_type": "ephemeral", "text": text}


def help_reply(prefix=""):
    return ephemeral(f"{prefix}\n\n{HELP}".strip())


def tell_later(payload, text):
    """Queue an ephemeral note to the person behind an interaction (buttons cannot answer inline)."""
    user = (payload.get("user") or {}).get("id")
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
    body = {"op": "ephemeral", "text": text, "response_url": payload.get("response_url"),
            "channel": channel, "user": user}
    if not body["response_url"] and not channel:  # a button in a modal: say it in a direct message
        if not user:
            return
        body = {"op": "dm", "user": {"id": user}, "text": text}
    enqueue("slack", "ephemeral", user or "someone", body, dedup_key=f"slack:ephemeral:{uuid.uuid4().hex}")
    db.session.commit()
