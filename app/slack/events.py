"""Events API: the url_verification handshake and mentions of the bot, each event acted on once."""
import uuid

from app.extensions import db
from app.outbox import enqueue
from app.slack.receipts import first_time
from app.slack.replies import HELP


def app_mention(event):
    """Answer a mention in its thread: pong to ping, otherwise the help."""
    text = (event.get("text") or "").lower()
    reply = "pong" if "ping" in text.split() else HELP
    channel = event.get("channel")
    if not channel:
        return
    enqueue("slack", "app_mention", channel,
            {"op": "post", "channel": channel, "thread_ts": event.get("thread_ts") or event.get("ts"),
             "text": reply}, dedup_key=f"slack:mention:{uuid.uuid4().hex}")


HANDLERS = {"app_mention": app_mention}


def dispatch(body):
    """Handle one Events API request; returns the JSON answer."""
    if body.get("type") == "url_verification":
        return {"challenge": str(body.get("challenge", ""))}
    if body.get("type") != "event_callback" or not isinstance(body.get("event"), dict):
        return {"ok": True, "ignored": True}
    if not body.get("event_id") or not first_time(f"event:{body['event_id']}"):
        db.session.rollback()
        return {"ok": True, "duplicate": True}
    handler = HANDLERS.get(body["event"].get("type"))
    if handler is not None:
        handler(body["event"])
    db.session.commit()
    return {"ok": True}
