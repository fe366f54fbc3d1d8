"""Escalations from a customer's channel: the confirmation there, and each update in its thread.

Updates go to the channel the incident was escalated from, and only while that channel is
still linked to the incident's organization (a channel moved to another customer hears
nothing more), besides the incident's own #incd-N channel, where every PagerDuty update goes.
"""
import uuid

from flask import current_app

from app.blocks import escalations as views
from app.blocks.text import escape
from app.notifications.slack.deliver import find_slot
from app.outbox import enqueue
from app.services.channel_links import channel_belongs_to
from app.services.pagerduty import link_of


def _enabled():
    return bool(current_app.config.get("SLACK_BOT_TOKEN"))


def _ref(incident, slot):
    return ["incident", incident.id, slot]


def _send(incident, kind, payload, key=None):
    enqueue("slack", kind, payload.get("channel") or f"{incident.reference} escalation", payload,
            dedup_key=f"slack:incident:{incident.id}:{key or uuid.uuid4().hex}",
            ordering_key=f"slack:incident:{incident.id}")


def _origin(incident):
    """Where the incident was escalated from, if that channel still belongs to its organization."""
    origin = find_slot("incident", incident.id, "origin")
    return origin if origin is not None and channel_belongs_to(origin.channel, incident.org_id) else None


def incident_escalated(event):
    if not _enabled():
        return
    incident, data = event.subject, event.data
    _send(incident, "incident.escalated", {
        "op": "post", "channel": data["channel"], "thread_ts": data.get("thread_ts"),
        "save_ref": _ref(incident, "escalation"), **views.confirmation(incident, event.actor, data["paged"])},
        key="escalation")


def _who(event):
    if event.data.get("agent"):
        return f"{escape(event.data['agent'])} (PagerDuty)"
    return escape(event.actor.display_name) if event.actor is not None else "Relay"


def _what(event):
    data = event.data
    if event.name == "incident.status_changed":
        return f"{_who(event)} moved it to *{data['new'].label}*."
    assignee = data.get("assignee") or data.get("assignee_name")
    name = getattr(assignee, "display_name", assignee)
    return f"{_who(event)} assigned it to {escape(name)}." if name else f"{_who(event)} unassigned it."


def incident_changed(event):
    """A status or assignee change: one message in the escalation's thread; the confirmation shows it too."""
    if not _enabled():
        return
    incident = event.subject
    if _origin(incident) is None:
        return
    thread = [_ref(incident, "origin"), _ref(incident, "escalation")]
    _send(incident, event.name, {"op": "post", "thread_ref": thread, "if_exists": True,
                                 **views.update_line(incident, _what(event))})
    _send(incident, event.name, {"op": "update", "ref": _ref(incident, "escalation"),
                                 **views.confirmation(incident, incident.reporter, link_of(incident.id) is not None)})


def page_failed(event):
    """A page PagerDuty refused: said in the escalation's thread and in #incd-N."""
    if not _enabled():
        return
    incident = event.subject
    line = views.page_failed_line(incident)
    if event.data.get("action") == "trigger" and _origin(incident) is not None:
        _send(incident, event.name, {"op": "post", "if_exists": True, "thread_ref": [
            _ref(incident, "origin"), _ref(incident, "escalation")], **line})
    _send(incident, event.name, {"op": "post", "channel_ref": _ref(incident, "channel"), "if_exists": True,
                                 "text": f":warning: PagerDuty refused the {escape(event.data['action'])} for "
                                         f"{incident.reference}: {escape(event.data['error'], 500)}"})


def pagerduty_noted(event):
    """Escalations, priority changes and notes in PagerDuty: for the incident's own channel only."""
    if not _enabled():
        return
    incident = event.subject
    _send(incident, event.name, {"op": "post", "channel_ref": _ref(incident, "channel"), "if_exists": True,
                                 "text": f":pager: PagerDuty: {escape(event.data['text'], 2000)}"})
