"""Incident events become Slack deliveries: the channel, pinned summary, headline, DMs and short lines.

Everything about one incident shares one ordering key, so the worker applies creations and
updates to each message in the order they happened, and the headline (and the note where
`/incident` was run) are posted after the channel they link to exists.
"""
import re
import uuid

from flask import current_app

from app.outbox import enqueue
from app.services.core.permissions import can_see
from app.blocks import incidents as views
from app.blocks.text import escape


def _enabled():
    return bool(current_app.config.get("SLACK_BOT_TOKEN"))


def _person(user):
    return {"id": user.slack_user_id, "email": user.email} if user is not None else None


def _ref(incident, slot):
    return ["incident", incident.id, slot]


# A channel the person ran /incident in: public (C...) or private (G...); never a direct message.
ORIGIN_CHANNEL = re.compile(r"[CG][A-Z0-9]{1,31}", re.ASCII)


def _send(incident, kind, lane, payload, key=None):
    enqueue("slack", kind, payload.get("channel") or f"{incident.reference} {lane}", payload,
            dedup_key=f"slack:incident:{incident.id}:{key or uuid.uuid4().hex}",
            ordering_key=f"slack:incident:{incident.id}")


def _owners(incident):
    return list(incident.product_area.owners) if incident.product_area else []


def _audience(incident, users):
    """The active people among *users* who may see *incident* on the web: the only ones Slack tells."""
    return [u for u in dict.fromkeys(u for u in users if u is not None) if can_see(u, incident)]


def incident_declared(event):
    if not _enabled():
        return
    incident = event.subject
    people = [_person(u) for u in _audience(incident, [incident.reporter, incident.commander, *_owners(incident)])]
    _send(incident, "incident.declared", "channel", {
        "op": "create_channel", "ref": _ref(incident, "channel"), "name": f"incd-{incident.number}",
        "is_private": incident.org.slack_channels_private, "people": people}, key="channel")
    _send(incident, "incident.declared", "channel", {
        "op": "post", "channel_ref": _ref(incident, "channel"), "save_ref": _ref(incident, "summary"),
        "pin": True, **views.incident_summary(incident)}, key="summary")
    headline_channel = current_app.config.get("SLACK_INCIDENTS_CHANNEL")
    if headline_channel:
        _send(incident, "incident.declared", "headline", {
            "op": "post", "channel": headline_channel, "save_ref": _ref(incident, "headline"),
            "channel_link": _ref(incident, "channel"), **views.incident_headline(incident)}, key="headline")
    _note_where_declared(incident, event.actor, event.data.get("slack_channel"), headline_channel)
    roles = {**{u: "product area owner" for u in _owners(incident)}, incident.commander: "incident commander"}
    for user in _audience(incident, [incident.commander, *_owners(incident)]):
        enqueue("slack", "incident.declared", user.email,
                {"op": "dm", "user": _person(user), **views.incident_dm(incident, roles[user])},
                dedup_key=f"slack:incident:{incident.id}:dm:{user.id}")


def _note_where_declared(incident, actor, channel, headline_channel):
    """A short note in the channel /incident was run in, linking to the new incident channel."""
    if not isinstance(channel, str) or not ORIGIN_CHANNEL.fullmatch(channel) or channel == headline_channel:
        return
    _send(incident, "incident.declared", "channel", {
        "op": "post", "channel": channel, "channel_link": _ref(incident, "channel"),
        **views.declared_here_note(incident, actor)}, key="origin-note")


def _line(event):
    """One short line saying what changed, for the incident channel."""
    data = event.data
    who = escape(event.actor.display_name) if event.actor else \
        f"{escape(data['agent'])} (PagerDuty)" if data.get("agent") else "Relay"
    if event.name == "incident.status_changed":
        return f"{who} moved it from {data['old'].label} to {data['new'].label}."
    if event.name == "incident.assigned":
        assignee = data.get("assignee")
        name = assignee.display_name if assignee else data.get("assignee_name")
        return f"{who} assigned it to {escape(name)}." if name else f"{who} unassigned it."
    if event.name == "incident.edited":
        return f"{who} changed {', '.join(f.replace('_', ' ') for f in data['changes'])}."
    if event.name == "incident.commented":
        return f"{who} commented: {escape(data['comment'].body[:200])}"
    if event.name == "incident.sla_at_risk":
        return f":large_yellow_circle: The {escape(data['label'].lower())} target is at risk."
    if event.name == "incident.sla_breached":
        return f":red_circle: The {escape(data['label'].lower())} target was breached."
    if event.name == "incident.escalated_by_hand":
        done = [part for part, happened in (("severity raised", data.get("raised")), ("on-call paged", data.get("paged")))
                if happened]
        return f":rotating_light: {who} escalated it{' (' + ', '.join(done) + ')' if done else ''}: {escape(data['reason'])}"
    return f"{who}: {escape(event.name)}"


def incident_changed(event):
    if not _enabled():
        return
    incident = event.subject
    if event.name != "incident.commented":
        _send(incident, event.name, "channel",
              {"op": "update", "ref": _ref(incident, "summary"), **views.incident_summary(incident)})
        _send(incident, event.name, "headline",
              {"op": "update", "ref": _ref(incident, "headline"), "channel_link": _ref(incident, "channel"),
               **views.incident_headline(incident)})
    _send(incident, event.name, "channel", {"op": "post", "channel_ref": _ref(incident, "channel"),
                                            "if_exists": True, "text": _line(event)})


def incident_deleted(event):
    if not _enabled():
        return
    incident = event.subject
    notice = views.deleted_notice(incident.reference, incident.title)
    _send(incident, event.name, "channel", {"op": "update", "ref": _ref(incident, "summary"), **notice})
    _send(incident, event.name, "headline", {"op": "update", "ref": _ref(incident, "headline"), **notice})
