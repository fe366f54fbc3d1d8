"""Incident events become Slack deliveries: the channel, pinned summary, headline, DMs and short lines.

Everything in an incident's channel shares one ordering key, and so does its headline,
so the worker applies creations and updates to each message in the order they happened.
"""
import uuid

from flask import current_app

from app.outbox import enqueue
from app.notifications.slack.deliver import find_slot
from app.services.core.events import subscribe
from app.blocks import incidents as views


def _enabled():
    return bool(current_app.config.get("SLACK_BOT_TOKEN"))


def _person(user):
    return {"id": user.slack_user_id, "email": user.email} if user is not None else None


def _ref(incident, slot):
    return ["incident", incident.id, slot]


def _send(incident, kind, lane, payload, key=None):
    enqueue("slack", kind, payload.get("channel") or f"{incident.reference} {lane}", payload,
            dedup_key=f"slack:incident:{incident.id}:{key or uuid.uuid4().hex}",
            ordering_key=f"slack:incident:{incident.id}:{lane}")


def _channel_id(incident):
    found = find_slot(*_ref(incident, "channel"))
    return found.channel if found else None


def _owners(incident):
    return list(incident.product_area.owners) if incident.product_area else []


@subscribe("incident.declared")
def incident_declared(event):
    if not _enabled():
        return
    incident = event.subject
    people = [incident.reporter, incident.commander, *_owners(incident)]
    people = [_person(u) for u in dict.fromkeys(u for u in people if u is not None and u.active)]
    _send(incident, "incident.declared", "channel", {
        "op": "create_channel", "ref": _ref(incident, "channel"), "name": f"incd-{incident.number}",
        "people": people}, key="channel")
    _send(incident, "incident.declared", "channel", {
        "op": "post", "channel_ref": _ref(incident, "channel"), "save_ref": _ref(incident, "summary"),
        "pin": True, **views.incident_summary(incident)}, key="summary")
    headline_channel = current_app.config.get("SLACK_INCIDENTS_CHANNEL")
    if headline_channel:
        _send(incident, "incident.declared", "headline", {
            "op": "post", "channel": headline_channel, "save_ref": _ref(incident, "headline"),
            **views.incident_headline(incident)}, key="headline")
    for user, role in [(incident.commander, "incident commander")] + [(u, "product area owner")
                                                                        for u in _owners(incident)]:
        if user is not None and user.active:
            enqueue("slack", "incident.declared", user.email,
                    {"op": "dm", "user": _person(user), **views.incident_dm(incident, role)},
                    dedup_key=f"slack:incident:{incident.id}:dm:{user.id}")


def _line(event):
    """One short line saying what changed, for the incident channel."""
    who = event.actor.display_name if event.actor else "Relay"
    data = event.data
    if event.name == "incident.status_changed":
        return f"{who} moved it from {data['old'].label} to {data['new'].label}."
    if event.name == "incident.assigned":
        assignee = data.get("assignee")
        return f"{who} assigned it to {assignee.display_name}." if assignee else f"{who} unassigned it."
    if event.name == "incident.edited":
        return f"{who} changed {', '.join(f.replace('_', ' ') for f in data['changes'])}."
    if event.name == "incident.commented":
        return f"{who} commented: {data['comment'].body[:200]}"
    return f"{who}: {event.name}"


@subscribe("incident.status_changed", "incident.assigned", "incident.edited", "incident.commented")
def incident_changed(event):
    if not _enabled():
        return
    incident = event.subject
    if event.name != "incident.commented":
        _send(incident, event.name, "channel",
              {"op": "update", "ref": _ref(incident, "summary"), **views.incident_summary(incident)})
        _send(incident, event.name, "headline",
              {"op": "update", "ref": _ref(incident, "headline"),
               **views.incident_headline(incident, _channel_id(incident))})
    _send(incident, event.name, "channel", {"op": "post", "channel_ref": _ref(incident, "channel"),
                                            "if_exists": True, "text": _line(event)})


@subscribe("incident.deleted")
def incident_deleted(event):
    if not _enabled():
        return
    incident = event.subject
    notice = views.deleted_notice(incident.reference, incident.title)
    _send(incident, event.name, "channel", {"op": "update", "ref": _ref(incident, "summary"), **notice})
    _send(incident, event.name, "headline", {"op": "update", "ref": _ref(incident, "headline"), **notice})
