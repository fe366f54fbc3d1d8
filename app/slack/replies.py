"""Answers to Slack: immediate JSON bodies, and ephemeral notes that go out through the outbox."""
import re
import uuid

from app.blocks.text import escape
from app.extensions import db
from app.notifications.slack.client import response_url_allowed
from app.slack.forms import obj
from app.outbox import enqueue

SLACK_ID = re.compile(r"[A-Z0-9]{1,32}", re.ASCII)

HELP = """*Relay in Slack*
• `/incident`: declare an incident (opens a form)
• `@Relay escalate <what is wrong>` or `/incident escalate <what is wrong>` in your organization's channel: \
record an incident for your organization and page on-call; updates come back to the channel
• `/incident link <organization>` (provider admins): make this channel that organization's
• `/incident help` or `@Relay help`: this help · `/incident ping` or `@Relay ping`: check Relay answers
• `/new-ticket`: raise a ticket
• `/agent-tickets`: your tickets · `/system-tickets`: all open tickets · `/ticket-summary`: counts
Buttons on incident and ticket messages act for you, with your Relay role."""


def ephemeral(text):
    """The body of an immediate reply only the sender sees (*text* is Slack markup: escape what users wrote)."""
    return {"response_type": "ephemeral", "text": text}


def help_reply(prefix=""):
    return ephemeral(f"{escape(prefix)}\n\n{HELP}".strip())


def _slack_id(value):
    return value if isinstance(value, str) and SLACK_ID.fullmatch(value) else None


def reply_to(payload) -> dict:
    """Where to tell the person behind an interaction something privately: response_url, channel, user."""
    response_url = payload.get("response_url")
    if response_url is not None and not response_url_allowed(response_url):
        response_url = None
    return {"response_url": response_url, "user": _slack_id(obj(payload.get("user")).get("id")),
            "channel": _slack_id(obj(payload.get("channel")).get("id") or obj(payload.get("container")).get("channel_id"))}


def tell_later(payload, text):
    """Queue an ephemeral note to the person behind an interaction (buttons cannot answer inline)."""
    where = reply_to(payload)
    user, channel, response_url = where["user"], where["channel"], where["response_url"]
    body = {"op": "ephemeral", "text": escape(text), "response_url": response_url, "channel": channel, "user": user}
    if not body["response_url"] and not channel:  # a button in a modal: say it in a direct message
        if not user:
            return
        body = {"op": "dm", "user": {"id": user}, "text": escape(text)}
    enqueue("slack", "ephemeral", user or "someone", body, dedup_key=f"slack:ephemeral:{uuid.uuid4().hex}")
    db.session.commit()
