"""Remembering which Slack requests were handled, so Slack's retries do nothing twice."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SlackReceipt


def first_time(key: str) -> bool:
    """Record *key* in the current transaction; False if it was already recorded."""
    key = key[:200]
    if db.session.scalar(select(SlackReceipt.id).where(SlackReceipt.key == key)):
        return False
    db.session.add(SlackReceipt(key=key))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
