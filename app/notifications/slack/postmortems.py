"""Postmortem events become a line in the incident's Slack channel, with a link to the document."""
from flask import current_app

from app.blocks.text import escape
from app.links import absolute_url
from app.notifications.slack.incidents import _ref, _send

LINES = {
    "postmortem.drafted": "A postmortem draft for {ref} is ready, written from the record: <{url}|open the draft>.",
    "postmortem.published": "{who} published the postmortem of {ref} _{title}_: <{url}|read it>.",
}


def postmortem_changed(event):
    """Tell the incident's channel that its postmortem draft exists, or that it was published."""
    if not current_app.config.get("SLACK_BOT_TOKEN"):
        return
    postmortem = event.subject
    incident = postmortem.incident
    text = LINES[event.name].format(
        ref=incident.reference, title=escape(incident.title, 150),
        who=escape(event.actor.display_name) if event.actor else "Relay",
        url=absolute_url("postmortems.view", number=incident.number))
    _send(incident, event.name, "channel", {"op": "post", "channel_ref": _ref(incident, "channel"),
                                            "if_exists": True, "text": text},
          key=f"{event.name}:{postmortem.version}:{postmortem.published_at or ''}")
