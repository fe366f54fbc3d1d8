"""A list kept pinned in a channel and edited in place: the tickets channel's hourly list.

Each outbox row carries the whole list as it was when the job ran; rows for one list are
delivered in order (one ordering key). Where the message is lives in slack_pins, so an edit
finds it after a restart; the ts is saved as soon as the message is posted, so a retry after
a failed pins.add pins that message instead of posting another.
"""
import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from app.extensions import db
from app.models import SlackPin
from app.notifications.slack.client import error_code
from app.outbox import enqueue

log = logging.getLogger(__name__)

GONE = {"message_not_found", "cant_update_message"}  # deleted in Slack (or no longer ours to edit)


def queue_list(name, channel, message, *, empty, period) -> int:
    """Queue showing *message* as list *name* in *channel* for *period* (empty: retire the list); 1 if queued."""
    return int(bool(enqueue("slack", f"pin.{name}", channel,
                            {"op": "pin_list", "pin": name, "channel": channel, "empty": empty, **message},
                            dedup_key=f"slack:pin:{name}:{period}", ordering_key=f"slack:pin:{name}")))


def _pin_of(name, channel) -> SlackPin:
    pin = db.session.scalar(select(SlackPin).where(SlackPin.name == name))
    if pin is None:
        pin = SlackPin(name=name, channel=channel)
        db.session.add(pin)
    elif pin.channel != channel:  # the channel setting changed: start afresh there
        pin.channel, pin.ts, pin.pinned = channel, None, False
    return pin


def _call(call, ignore=(), **kwargs):
    try:
        return call(**kwargs)
    except SlackApiError as error:
        if error_code(error) not in ignore:
            raise
        return None


def _post(client, pin, payload):
    kwargs = dict(channel=pin.channel, text=payload["text"], blocks=payload.get("blocks"))
    try:
        response = client.chat_postMessage(**kwargs)
    except SlackApiError as error:
        if error_code(error) != "not_in_channel":
            raise
        client.conversations_join(channel=pin.channel)
        response = client.chat_postMessage(**kwargs)
    pin.ts, pin.pinned = response["ts"], False
    db.session.commit()


def _show(client, pin, payload):
    if pin.ts is not None and _call(client.chat_update, GONE, channel=pin.channel, ts=pin.ts,
                                    text=payload["text"], blocks=payload.get("blocks")) is None:
        log.info("The pinned %s list %s was deleted in Slack; posting a new one.", pin.name, pin.ts)
        pin.ts = None
    if pin.ts is None:
        _post(client, pin, payload)
    _call(client.pins_add, {"already_pinned"}, channel=pin.channel, timestamp=pin.ts)  # also if someone unpinned it
    pin.pinned = True
    db.session.commit()


def _retire(client, pin, payload):
    if pin.ts is None:
        return  # nothing shown: an empty list posts nothing
    _call(client.chat_update, GONE, channel=pin.channel, ts=pin.ts, text=payload["text"],
          blocks=payload.get("blocks"))
    _call(client.pins_remove, {"no_pin", *GONE}, channel=pin.channel, timestamp=pin.ts)
    pin.ts, pin.pinned = None, False
    db.session.commit()


def pin_list(client, payload):
    """Show the list: edit the pinned message in place, post and pin a new one, or unpin it when empty."""
    pin = _pin_of(payload["pin"], payload["channel"])
    (_retire if payload["empty"] else _show)(client, pin, payload)
