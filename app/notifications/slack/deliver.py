"""The "slack" deliverer: each outbox row is one Slack operation, made with slack_sdk's WebClient.

Operations that refer to a message or channel created by an earlier delivery name it by
slot (subject type, id, slot) and look it up in slack_messages when they run, so a
retried delivery never posts twice and an update always finds the message it changes.
"""
import json
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import select

from app.blocks.incidents import CHANNEL_LINK
from app.extensions import db
from app.models import SlackMessage
from app.outbox.registry import PermanentFailure
from app.notifications.slack.files import fetch_file
from app.notifications.slack.client import error_code, response_url_allowed, worker_client
from app.notifications.slack.pins import pin_list

log = logging.getLogger(__name__)

# Errors that trying again cannot fix.
PERMANENT = {
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "missing_scope",
    "channel_not_found", "is_archived", "message_not_found", "cant_update_message", "invalid_blocks",
    "msg_too_long", "no_text", "restricted_action", "user_not_found", "users_not_found", "file_not_found",
    "file_deleted",
}


def find_slot(subject_type, subject_id, slot) -> SlackMessage | None:
    return db.session.scalar(select(SlackMessage).where(
        SlackMessage.subject_type == subject_type, SlackMessage.subject_id == subject_id,
        SlackMessage.slot == slot))


def _save_slot(ref, channel, ts=None):
    db.session.add(SlackMessage(subject_type=ref[0], subject_id=ref[1], slot=ref[2], channel=channel, ts=ts))
    db.session.commit()


def _resolve_people(client, people):
    """Slack ids for people, looking up by email those not linked yet; unknown people are skipped."""
    ids = []
    for person in people:
        if person.get("id"):
            ids.append(person["id"])
        elif person.get("email"):
            try:
                ids.append(client.users_lookupByEmail(email=person["email"])["user"]["id"])
            except SlackApiError as error:
                if error_code(error) != "users_not_found":
                    raise
    return list(dict.fromkeys(ids))


def create_channel(client, payload):
    ref = payload["ref"]
    existing = find_slot(*ref)
    channel = existing.channel if existing else None
    name = payload["name"]
    for attempt in range(1, 6):
        if channel:
            break
        try:
            channel = client.conversations_create(name=name if attempt == 1 else f"{name}-{attempt}",
                                                  is_private=payload.get("is_private", True))["channel"]["id"]
        except SlackApiError as error:
            if error_code(error) != "name_taken":
                raise
    if channel is None:
        raise PermanentFailure(f"every channel name like #{name} is taken")
    if existing is None:
        _save_slot(ref, channel)
    members = _resolve_people(client, payload.get("people", []))
    if members:
        try:
            client.conversations_invite(channel=channel, users=",".join(members))
        except SlackApiError as error:
            if error_code(error) not in {"already_in_channel", "cant_invite_self"}:
                raise


def _channel_of(payload):
    if payload.get("channel"):
        return payload["channel"]
    found = find_slot(*payload["channel_ref"])
    if found is None and payload.get("if_exists"):
        return None
    if found is None:
        raise RuntimeError(f"channel {payload['channel_ref']} does not exist yet")
    return found.channel


def _thread_of(payload):
    """The channel and thread of the first message in payload["thread_ref"] (slots) that has been posted."""
    for ref in payload["thread_ref"]:
        found = find_slot(*ref)
        if found is not None and found.ts:
            return found.channel, found.ts
    if payload.get("if_exists"):
        return None, None
    raise RuntimeError(f"no message of {payload['thread_ref']} has been posted yet")


def _link_channel(payload):
    """Put the incident channel named by payload["channel_link"] where the builder left CHANNEL_LINK."""
    if not payload.get("channel_link"):
        return payload
    found = find_slot(*payload["channel_link"])
    link = f"<#{found.channel}>" if found else ""
    raw = json.dumps({"text": payload["text"], "blocks": payload.get("blocks")})
    if not link:
        raw = raw.replace(f" \u00b7 {CHANNEL_LINK}", "").replace(f" · {CHANNEL_LINK}", "")
        link = "its channel"
    return {**payload, **json.loads(raw.replace(CHANNEL_LINK, link))}


def post(client, payload):
    """Post a message; with save_ref, only once, remembering where it went (and pin it if asked)."""
    payload = _link_channel(payload)
    save_ref = payload.get("save_ref")
    message = find_slot(*save_ref) if save_ref else None
    if message is None:
        channel, thread = _thread_of(payload) if payload.get("thread_ref") else (_channel_of(payload),
                                                                                  payload.get("thread_ts"))
        if channel is None:
            log.info("No Slack channel %s to post in; skipping.", payload.get("channel_ref") or payload.get("thread_ref"))
            return
        kwargs = dict(channel=channel, text=payload["text"], blocks=payload.get("blocks"), thread_ts=thread)
        try:
            response = client.chat_postMessage(**kwargs)
        except SlackApiError as error:
            if error_code(error) != "not_in_channel":
                raise
            client.conversations_join(channel=channel)
            response = client.chat_postMessage(**kwargs)
        if not save_ref:
            return
        _save_slot(save_ref, response["channel"], response["ts"])
        message = find_slot(*save_ref)
    if payload.get("pin"):
        try:
            client.pins_add(channel=message.channel, timestamp=message.ts)
        except SlackApiError as error:
            if error_code(error) != "already_pinned":
                raise


def update(client, payload):
    """Change a message we posted earlier, in place."""
    payload = _link_channel(payload)
    message = find_slot(*payload["ref"])
    if message is None or message.ts is None:
        log.info("No Slack message %s to update; skipping.", payload["ref"])
        return
    client.chat_update(channel=message.channel, ts=message.ts, text=payload["text"],
                       blocks=payload.get("blocks"))


def direct_message(client, payload):
    (user,) = _resolve_people(client, [payload["user"]]) or [None]
    if user:
        client.chat_postMessage(channel=user, text=payload["text"], blocks=payload.get("blocks"))


def ephemeral(client, payload):
    """Tell one person something only they see: through the response_url, else chat.postEphemeral."""
    if payload.get("response_url"):
        if not response_url_allowed(payload["response_url"]):
            raise PermanentFailure("the response_url is not on a Slack host (SLACK_RESPONSE_URL_HOSTS)")
        response = WebhookClient(payload["response_url"], timeout=15).send(
            text=payload["text"], response_type="ephemeral", replace_original=False)
        if response.status_code >= 500:
            raise RuntimeError(f"response_url answered {response.status_code}")
        return
    client.chat_postEphemeral(channel=payload["channel"], user=payload["user"], text=payload["text"])


OPERATIONS = {"create_channel": create_channel, "post": post, "update": update, "dm": direct_message,
              "ephemeral": ephemeral, "fetch_file": fetch_file, "pin_list": pin_list}


def deliver(delivery):
    """Make the Slack call a delivery describes; permanent Slack errors are not retried."""
    operation = OPERATIONS.get(delivery.payload.get("op"))
    if operation is None:
        raise PermanentFailure(f"unknown Slack operation {delivery.payload.get('op')!r}")
    try:
        operation(worker_client(), delivery.payload)
    except SlackApiError as error:
        if error_code(error) in PERMANENT:
            raise PermanentFailure(f"Slack refused {delivery.payload['op']}: {error_code(error)}") from error
        raise
