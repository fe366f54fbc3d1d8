"""Events API: the url_verification handshake and mentions of the bot, each event acted on once."""
import re
import uuid

from app.extensions import db
from app.outbox import enqueue
from app.slack.receipts import first_time
from app.slack.replies import HELP


def app_mention(event):
    """Answer a mention in its thread: pong to ping, otherwise the help."""
    text = event.get("text") if isinstance(event.get("text"), str) else ""
    reply = "pong" if "ping" in text.lower().split() else HELP
    channel = event.get("channel")
    if not isinstance(channel, str) or not CHANNEL_ID.fullmatch(channel):
        return
    thread = next((ts for ts in (event.get("thread_ts"), event.get("ts")) if isinstance(ts, str) and TS.fullmatch(ts)),
                  None)
    enqueue("slack", "app_mention", channel, {"op": "post", "channel": channel, "thread_ts": thread, "text": reply},
            dedup_key=f"slack:mention:{uuid.uuid4().hex}")


CHANNEL_ID = re.compile(r"[A-Z0-9]{1,32}", re.ASCII)
TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}", re.ASCII)
HANDLERS = {"app_mention": app_mention}


def dispatch(body):
    """Handle one Events API request; returns the JSON answer."""
    if body.get("type") == "url_verification":
        challenge = body.get("challenge")
        return {"challenge": challenge[:200] if isinstance(challenge, str) else ""}
    if body.get("type") != "event_callback" or not isinstance(body.get("event"), dict):
        return {"ok": True, "ignored": True}
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not event_id or not first_time(f"event:{event_id[:100]}"):
        db.session.rollback()
        return {"ok": True, "duplicate": True}
    kind = body["event"].get("type")
    handler = HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is not None:
        handler(body["event"])
    db.session.commit()
    return {"ok": True}
