"""SLA events in Slack: a direct message to whoever must act, and the record's card shows the new state."""
from flask import current_app

from app.blocks.sla import sla_alert
from app.blocks.text import escape
from app.models import Incident
from app.notifications.email.sla import manager_of, worker_of
from app.notifications.slack import incidents, tickets
from app.outbox import enqueue
from app.services.core.permissions import can_see


def _dm(users, event, action):
    record = event.subject
    for user in users:
        if user is None or not user.active or not can_see(user, record):
            continue
        enqueue("slack", f"sla.{action}", user.email,
                {"op": "dm", "user": {"id": user.slack_user_id, "email": user.email},
                 **sla_alert(record, event.data["label"], action, event.data["clock"])},
                dedup_key=f"slack:sla:{action}:{record.reference}:{event.data['target']}:{user.id}")


def _refresh_card(event):
    if isinstance(event.subject, Incident):
        incidents.incident_changed(event)
    else:
        tickets.ticket_changed(event)


def at_risk(event):
    if not current_app.config.get("SLACK_BOT_TOKEN"):
        return
    record = event.subject
    _dm([worker_of(record)] if worker_of(record) else manager_of(record, event.data["policy"]), event, "at_risk")
    _refresh_card(event)


def breached(event):
    if not current_app.config.get("SLACK_BOT_TOKEN"):
        return
    record = event.subject
    _dm(list(dict.fromkeys([*manager_of(record, event.data["policy"]), worker_of(record)])), event, "breached")
    _refresh_card(event)


def update_due(event):
    """Prompt the commander in the incident channel, once per quiet spell (the dedup key says which)."""
    if not current_app.config.get("SLACK_BOT_TOKEN"):
        return
    incident, since = event.subject, event.data["since"]
    who = f"<@{incident.commander.slack_user_id}>" if incident.commander and incident.commander.slack_user_id \
        else (escape(incident.commander.display_name) if incident.commander else "Commander")
    text = (f":speech_balloon: {who}, {incident.reference} ({incident.severity.label}) has had no update for "
            f"{event.data['cadence_minutes']} minutes or more: post one (a comment or a status change).")
    enqueue("slack", "incident.update_due", f"{incident.reference} channel",
            {"op": "post", "channel_ref": ["incident", incident.id, "channel"], "if_exists": True, "text": text},
            dedup_key=f"slack:cadence:{incident.id}:{since:%Y%m%dT%H%M%S%f}",
            ordering_key=f"slack:incident:{incident.id}")
