"""The worker: lease one due delivery at a time and hand it to its channel's deliverer.

A claim is a short transaction that marks one row `sending` with a lease: a
fresh token (`lease_token`) and an expiry (`locked_until`). The row is claimed
just before it is sent, so the lease only has to cover one send, never a
queue of rows waiting behind it. On PostgreSQL the candidate row is locked
FOR UPDATE SKIP LOCKED so several workers split the work without waiting on
each other; the claiming UPDATE is also conditional on the row still being
due, which keeps SQLite (one writer at a time) just as safe. The outcome is
recorded only if the row still carries this worker's token: a worker whose
lease ran out and was taken over records nothing. A worker that dies
mid-delivery leaves its row `sending`; when the lease runs out it is due
again, so nothing is lost.
"""
from datetime import datetime, timedelta
import logging
import random
from typing import NamedTuple
from uuid import uuid4

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Delivery, DeliveryState
from app.models.base import utcnow
from app.outbox.registry import DELIVERERS, FAILURE_HOOKS, IDLE_HOOKS, PermanentFailure, RetryLater

log = logging.getLogger("relay.worker")

ERROR_MAX = 2000


class Lease(NamedTuple):
    """One delivery claimed by this worker, and the token that proves it still holds it."""

    id: int
    token: str


def due_filter(now: datetime):
    """Rows whose next attempt is due, or whose worker's lease ran out."""
    return or_(
        and_(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now),
        and_(Delivery.state == DeliveryState.SENDING, Delivery.locked_until < now),
    )


def _not_waiting_in_line():
    """A delivery with an ordering key waits until every earlier one with that key is done."""
    earlier = aliased(Delivery)
    return or_(
        Delivery.ordering_key.is_(None),
        ~exists().where(
            earlier.ordering_key == Delivery.ordering_key,
            earlier.id < Delivery.id,
            earlier.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
        ),
    )


def claim(now: datetime) -> Lease | None:
    """Lease the next due delivery to this worker, or return None when nothing is due.

    Commits whatever the session holds, so the outcome of the previous delivery
    and the claim of the next share one transaction.
    """
    query = (select(Delivery.id).where(due_filter(now), _not_waiting_in_line())
             .order_by(Delivery.next_attempt_at, Delivery.id).limit(1))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Delivery)
    lease = timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])
    while True:
        token = uuid4().hex
        try:
            delivery_id = db.session.scalar(query)
            if delivery_id is None:
                db.session.commit()
                return None
            result = db.session.execute(
                update(Delivery).where(Delivery.id == delivery_id, due_filter(now))
                .values(state=DeliveryState.SENDING, locked_until=utcnow() + lease, lease_token=token,
                        attempts=Delivery.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if result.rowcount == 1:
            return Lease(delivery_id, token)
        # another worker took that row between our read and our write: look again


RETRY_AFTER_MAX = 24 * 3600  # a far end asking for more than a day is not believed


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter: base * 2^(n-1), capped, then scaled by 0.5-1.0.

    When the far end said when to come back (Retry-After), never sooner than that.
    """
    config = current_app.config
    delay = min(config["WORKER_BACKOFF_BASE_SECONDS"] * 2 ** (attempts - 1), config["WORKER_BACKOFF_MAX_SECONDS"])
    delay *= random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, min(max(retry_after, 0.0), RETRY_AFTER_MAX))
    return timedelta(seconds=delay)


def attempt(lease: Lease, now: datetime, commit=True) -> DeliveryState | None:
    """Try one leased delivery once and record the outcome (None: the lease was lost meanwhile).

    With commit=False the outcome waits in the session for the caller's next commit.
    """
    # Send from a detached copy, so no transaction stays open while we wait on the network.
    delivery = db.session.get(Delivery, lease.id)
    db.session.expunge(delivery)
    db.session.rollback()
    send = DELIVERERS.get(delivery.channel)
    try:
        if send is None:
            raise PermanentFailure(f"No deliverer for channel {delivery.channel!r}.")
        send(delivery)
    except PermanentFailure as error:
        db.session.rollback()
        outcome = dict(state=DeliveryState.FAILED, error=_describe(error))
    except Exception as error:  # any other error is worth another try
        db.session.rollback()
        if delivery.attempts >= current_app.config["WORKER_MAX_ATTEMPTS"]:
            outcome = dict(state=DeliveryState.FAILED, error=_describe(error))
        else:
            retry_after = error.after_seconds if isinstance(error, RetryLater) else None
            outcome = dict(state=DeliveryState.PENDING, error=_describe(error),
                           next_attempt_at=max(now, utcnow()) + backoff(delivery.attempts, retry_after))
    else:
        outcome = dict(state=DeliveryState.DELIVERED, delivered_at=utcnow())
    state = _finish(lease, delivery, **outcome)
    if state is DeliveryState.FAILED and delivery.channel in FAILURE_HOOKS:
        _after_failure(delivery, outcome["error"])
    if commit:
        db.session.commit()
    return state


def _finish(lease, delivery, state, error=None, **values):
    """Record the outcome, but only while this worker still holds the lease."""
    if error is not None:
        values["last_error"] = error[:ERROR_MAX]
    result = db.session.execute(
        update(Delivery).where(Delivery.id == lease.id, Delivery.lease_token == lease.token,
                               Delivery.state == DeliveryState.SENDING)
        .values(state=state, locked_until=None, lease_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        log.warning("delivery %s: lease lost while sending (another worker took it over); "
                    "outcome %s not recorded", lease.id, state.value)
        return None
    if state is DeliveryState.FAILED:
        log.warning("delivery %s (%s to %s) failed for good: %s", lease.id, delivery.kind,
                    delivery.recipient, error)
    elif error:
        log.info("delivery %s attempt %s failed, retrying at %s: %s", lease.id, delivery.attempts,
                 values["next_attempt_at"], error)
    return state


def _after_failure(delivery, error):
    """Let the channel say that a delivery failed for good; its own mistakes never undo the outcome."""
    try:
        with db.session.begin_nested():
            FAILURE_HOOKS[delivery.channel](delivery, error)
    except Exception:
        log.exception("delivery %s: the %s failure hook failed", delivery.id, delivery.channel)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def deliver_due(limit: int | None = None, now: datetime | None = None, should_stop=lambda: False) -> int:
    """Deliver what is due at *now* (default: this moment); return how many were attempted.

    A delivery that fails is rescheduled after *now*, so each call tries a row at most once.
    """
    now = now or utcnow()
    done = 0
    try:
        while (limit is None or done < limit) and not should_stop():
            lease = claim(now)
            if lease is None:
                break
            attempt(lease, now, commit=False)  # recorded by the next claim's commit
            done += 1
        db.session.commit()
        return done
    finally:
        for hook in IDLE_HOOKS:
            hook()


def retry(delivery: Delivery):
    """Put a failed delivery back in line for a fresh round of attempts (caller commits)."""
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.locked_until = None
    delivery.lease_token = None
