"""Ticket events become Slack deliveries: one card in the tickets channel, updated in place, and notes about new ones."""
import uuid

from flask import current_app

from app.outbox import enqueue
from app.blocks import ticket_messages, tickets as ticket_views
from app.blocks.text import escape
from app.models import Source


def _channel():
    config = current_app.config
    return config.get("SLACK_TICKETS_CHANNEL") if config.get("SLACK_BOT_TOKEN") else None


def _send(ticket, kind, payload, key=None):
    enqueue("slack", kind, _channel(), payload, dedup_key=f"slack:ticket:{ticket.id}:{key or uuid.uuid4().hex}",
            ordering_key=f"slack:ticket:{ticket.id}:card")


def _confirm(event):
    """Tell whoever raised the ticket from Slack, privately, what Relay recorded."""
    ticket, reporter = event.subject, event.subject.reporter
    if event.source != Source.SLACK or reporter is None or not reporter.slack_user_id:
        return
    message = ticket_messages.ticket_confirmation(ticket, event.data.get("slack_file_ids", ()))
    enqueue("slack", "ticket.confirmation", reporter.email,
            {"op": "dm", "user": {"id": reporter.slack_user_id, "email": reporter.email}, **message},
            dedup_key=f"slack:ticket:{ticket.id}:confirmation")


def _alert_admins(ticket):
    channel = current_app.config.get("SLACK_ADMIN_CHANNEL")
    if channel:
        enqueue("slack", "ticket.created", channel,
                {"op": "post", "channel": channel, **ticket_messages.new_ticket_alert(ticket)},
                dedup_key=f"slack:ticket:{ticket.id}:admin-alert")


def ticket_created(event):
    ticket = event.subject
    for file_id in event.data.get("slack_file_ids", ()):
        enqueue("slack", "ticket.screenshot", file_id,
                {"op": "fetch_file", "ticket_id": ticket.id, "actor_id": event.actor.id, "file_id": file_id},
                dedup_key=f"slack:file:{ticket.id}:{file_id}")
    if not current_app.config.get("SLACK_BOT_TOKEN"):
        return
    _confirm(event)
    _alert_admins(ticket)
    if not _channel():
        return
    _send(ticket, event.name, {"op": "post", "channel": _channel(), "save_ref": ["ticket", ticket.id, "card"],
                               **ticket_views.ticket_card(ticket)}, key="card")


def ticket_changed(event):
    if not _channel():
        return
    ticket = event.subject
    _send(ticket, event.name, {"op": "update", "ref": ["ticket", ticket.id, "card"],
                               **ticket_views.ticket_card(ticket)})


def ticket_escalated(event):
    """A reply under the ticket's card: who escalated it, what it did, and why (the card shows the new priority)."""
    if not _channel():
        return
    ticket, data = event.subject, event.data
    who = escape(event.actor.display_name) if event.actor else "Relay"
    done = [part for part, happened in (("priority raised", data.get("raised")), ("on-call paged", data.get("paged")))
            if happened]
    text = (f":rotating_light: {who} escalated {ticket.reference} ({ticket.priority.label})"
            f"{' (' + ', '.join(done) + ')' if done else ''}: {escape(data['reason'])}")
    _send(ticket, event.name, {"op": "post", "thread_ref": [["ticket", ticket.id, "card"]], "if_exists": True,
                               "text": text[:3000]})
