"""The worker: claim due deliveries from the outbox and hand each to its channel's deliverer.

A claim is a short transaction that marks rows `sending` with a lease
(`locked_until`). On PostgreSQL the candidate rows are locked with
FOR UPDATE SKIP LOCKED so several workers split the work without waiting on
each other; the claiming UPDATE is also conditional on the row still being
due, which keeps SQLite (one writer at a time) just as safe. A worker that
dies mid-delivery leaves its rows `sending`; when the lease runs out they are
due again, so nothing is lost.
"""
from datetime import datetime, timedelta
import logging
import random

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Delivery, DeliveryState
from app.models.base import utcnow
from app.outbox.registry import DELIVERERS, IDLE_HOOKS, PermanentFailure

log = logging.getLogger("relay.worker")

ERROR_MAX = 2000


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


def claim(now: datetime, size: int) -> list[int]:
    """Lease up to *size* due deliveries to this worker and return their ids."""
    query = (select(Delivery.id).where(due_filter(now), _not_waiting_in_line())
             .order_by(Delivery.next_attempt_at, Delivery.id).limit(size))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Delivery)
    lease = timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])
    claimed = []
    try:
        for delivery_id in db.session.scalars(query).all():
            result = db.session.execute(
                update(Delivery).where(Delivery.id == delivery_id, due_filter(now))
                .values(state=DeliveryState.SENDING, locked_until=utcnow() + lease,
                        attempts=Delivery.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(delivery_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return claimed


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base * 2^(n-1), capped, then scaled by 0.5-1.0."""
    config = current_app.config
    delay = min(config["WORKER_BACKOFF_BASE_SECONDS"] * 2 ** (attempts - 1), config["WORKER_BACKOFF_MAX_SECONDS"])
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def attempt(delivery_id: int, now: datetime) -> DeliveryState:
    """Try one claimed delivery once and record the outcome."""
    # Send from a detached copy, so no transaction stays open while we wait on the network.
    delivery = db.session.get(Delivery, delivery_id)
    db.session.expunge(delivery)
    db.session.rollback()
    send = DELIVERERS.get(delivery.channel)
    try:
        if send is None:
            raise PermanentFailure(f"No deliverer for channel {delivery.channel!r}.")
        send(delivery)
    except PermanentFailure as error:
        db.session.rollback()
        _finish(delivery_id, DeliveryState.FAILED, error=_describe(error))
        return DeliveryState.FAILED
    except Exception as error:  # any other error is worth another try
        db.session.rollback()
        delivery = db.session.get(Delivery, delivery_id)
        if delivery.attempts >= current_app.config["WORKER_MAX_ATTEMPTS"]:
            _finish(delivery_id, DeliveryState.FAILED, error=_describe(error))
            return DeliveryState.FAILED
        _finish(delivery_id, DeliveryState.PENDING, error=_describe(error),
                next_attempt_at=max(now, utcnow()) + backoff(delivery.attempts))
        return DeliveryState.PENDING
    _finish(delivery_id, DeliveryState.DELIVERED, delivered_at=utcnow())
    return DeliveryState.DELIVERED


def _finish(delivery_id, state, error=None, **values):
    delivery = db.session.get(Delivery, delivery_id)
    delivery.state = state
    delivery.locked_until = None
    if error is not None:
        delivery.last_error = error[:ERROR_MAX]
    for name, value in values.items():
        setattr(delivery, name, value)
    db.session.commit()
    if state is DeliveryState.FAILED:
        log.warning("delivery %s (%s to %s) failed for good: %s", delivery_id, delivery.kind,
                    delivery.recipient, error)
    elif error:
        log.info("delivery %s attempt %s failed, retrying at %s: %s", delivery_id, delivery.attempts,
                 delivery.next_attempt_at, error)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def deliver_due(limit: int | None = None, now: datetime | None = None, should_stop=lambda: False) -> int:
    """Deliver what is due at *now* (default: this moment); return how many were attempted.

    A delivery that fails is rescheduled after *now*, so each call tries a row at most once.
    """
    now = now or utcnow()
    try:
        return _drain(now, limit, should_stop)
    finally:
        for hook in IDLE_HOOKS:
            hook()


def _drain(now, limit, should_stop):
    batch = current_app.config["WORKER_BATCH_SIZE"]
    done = 0
    while (limit is None or done < limit) and not should_stop():
        size = batch if limit is None else min(batch, limit - done)
        ids = claim(now, size)
        if not ids:
            break
        for index, delivery_id in enumerate(ids):
            if should_stop():
                release(ids[index:])
                return done
            attempt(delivery_id, now)
            done += 1
    return done


def release(ids):
    """Hand leased but untried deliveries back (a graceful stop), as if never claimed."""
    db.session.execute(
        update(Delivery).where(Delivery.id.in_(ids), Delivery.state == DeliveryState.SENDING)
        .values(state=DeliveryState.PENDING, locked_until=None, attempts=Delivery.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def retry(delivery: Delivery):
    """Put a failed delivery back in line for a fresh round of attempts (caller commits)."""
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.locked_until = None
