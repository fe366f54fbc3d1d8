"""Events API: the url_verification handshake and mentions of the bot (slack/escalations.py), each acted on once."""
from app.extensions import db
from app.slack import escalations
from app.slack.receipts import first_time


HANDLERS = {"app_mention": escalations.app_mention}


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
