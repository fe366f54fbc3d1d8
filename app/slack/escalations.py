"""Escalating from a customer's channel in Slack: `@Relay escalate …`, `/incident escalate …`, `/incident link …`."""
import re
import uuid

from app.blocks.text import escape
from app.extensions import db
from app.models import Source
from app.outbox import enqueue
from app.services import channel_links, escalations
from app.services.core.errors import DomainError
from app.slack import people
from app.slack.replies import HELP, ephemeral

MENTION = re.compile(r"<@[A-Z0-9]{1,32}(\|[^>]*)?>", re.ASCII)
CHANNEL_ID = re.compile(r"[A-Z0-9]{1,32}", re.ASCII)
TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}", re.ASCII)


def _done(escalation):
    incident = escalation.incident
    paged = "on-call is being paged" if escalation.paged else "PagerDuty paging is not set up for it"
    return f"Escalated as {incident.reference}; {paged}. Updates will appear in this channel."


def escalate_command(form, text):
    """`/incident escalate <text>`: answered privately at once; the channel gets the confirmation."""
    channel = form.get("channel_id")
    actor = people.actor_for(form.get("user_id"), channel)
    return ephemeral(escape(_done(escalations.escalate(actor, channel, text))))


def link_command(form, text):
    """`/incident link <organization>`: provider admins make this channel that organization's."""
    actor = people.actor_for(form.get("user_id"))
    if not text:
        return ephemeral("Say which organization, e.g. `/incident link acme`.")
    name = form.get("channel_name") if isinstance(form.get("channel_name"), str) else None
    link = channel_links.link_channel(actor, form.get("channel_id"), text,
                                      channel_name=name if name and channel_links.CHANNEL_NAME.fullmatch(name) else None)
    return ephemeral(f"This channel now belongs to {escape(link.org.name)}: its members can escalate here with "
                     f"`@Relay escalate <what is wrong>`, and PagerDuty updates come back here.")


def _tell(channel, user, thread, text):
    """A private note to someone who mentioned the bot (an event cannot answer inline)."""
    if user:
        body = {"op": "ephemeral", "channel": channel, "user": user, "text": text}
    else:
        body = {"op": "post", "channel": channel, "thread_ts": thread, "text": text}
    enqueue("slack", "app_mention", channel, body, dedup_key=f"slack:mention:{uuid.uuid4().hex}")


def app_mention(event):
    """`@Relay escalate <text>` escalates; `@Relay ping` answers pong; anything else gets the help."""
    text = MENTION.sub("", event.get("text") if isinstance(event.get("text"), str) else "").strip()
    channel, user = event.get("channel"), event.get("user")
    if not isinstance(channel, str) or not CHANNEL_ID.fullmatch(channel):
        return
    user = user if isinstance(user, str) and CHANNEL_ID.fullmatch(user) else None
    thread = next((ts for ts in (event.get("thread_ts"), event.get("ts")) if isinstance(ts, str) and TS.fullmatch(ts)),
                  None)
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word == "escalate":
        try:
            actor = people.actor_for(user, channel)
            escalations.escalate(actor, channel, rest, thread_ts=thread, source=Source.SLACK)
        except DomainError as error:
            db.session.rollback()
            _tell(channel, user, thread, escape(error.message))
        return
    reply = "pong" if word == "ping" else HELP
    enqueue("slack", "app_mention", channel, {"op": "post", "channel": channel, "thread_ts": thread, "text": reply},
            dedup_key=f"slack:mention:{uuid.uuid4().hex}")
