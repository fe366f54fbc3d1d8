"""Idempotency keys for creates: the same key and body get the first answer; another body is refused.

The first request claims the key in its own short transaction (a unique row per client and key), so
two identical requests at once cannot both create: the second finds the claim and is told to retry
(409) until the first has stored its answer, then gets that answer replayed.
"""
from datetime import timedelta
import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import IdempotencyKey, User
from app.models.base import utcnow
from app.services.core.errors import DomainError, ValidationError

KEY_MAX = 255
KEEP = timedelta(hours=24)
# A claim whose request never stored an answer (its process died) is given up after this.
STALE_CLAIM = timedelta(minutes=5)


class RequestInProgress(DomainError):
    """The first request with this key has not finished yet."""


def fingerprint(method: str, path: str, body) -> str:
    data = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def claim(user: User, key: str, print_: str) -> IdempotencyKey:
    """Claim *key* for this request, or return the finished claim of an identical earlier one."""
    if not key or len(key) > KEY_MAX or any(ord(c) < 32 or ord(c) > 126 for c in key):
        raise ValidationError({"Idempotency-Key": f"Use 1 to {KEY_MAX} visible ASCII characters."})
    now = utcnow()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                                    IdempotencyKey.created_at < now - KEEP))
    row = IdempotencyKey(user_id=user.id, key=key, fingerprint=print_)
    db.session.add(row)
    try:
        db.session.commit()
        return row
    except IntegrityError:
        db.session.rollback()
    earlier = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                                             IdempotencyKey.key == key))
    if earlier is None:  # removed meanwhile: try once more
        return claim(user, key, print_)
    if earlier.fingerprint != print_:
        raise ValidationError({"Idempotency-Key": "This key was used with a different request."})
    if earlier.status_code is None:
        if earlier.created_at < now - STALE_CLAIM:
            db.session.delete(earlier)
            db.session.commit()
            return claim(user, key, print_)
        raise RequestInProgress("A request with this Idempotency-Key is still in progress; retry shortly.")
    return earlier


def finish(row: IdempotencyKey, status_code: int, response: dict, location: str | None = None):
    """Store the answer to replay for this key."""
    row.status_code, row.response, row.location = status_code, response, location
    db.session.commit()


def release(row: IdempotencyKey):
    """The request failed: free the key so the client can send it again."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
    db.session.commit()
