"""Writing deliveries to the outbox, inside the caller's transaction."""
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Delivery


def enqueue(channel, kind, recipient, payload, dedup_key, ordering_key=None) -> Delivery:
    """Add a delivery unless one with *dedup_key* is already queued; never commits.

    The outbox is asked about every new row's key at once when the session flushes
    (see leave_out_duplicates), so a change that writes several rows costs one look-up,
    and their INSERTs go out together.
    """
    dedup_key = dedup_key[:200]
    pending = next((d for d in db.session.new if isinstance(d, Delivery) and d.dedup_key == dedup_key), None)
    if pending is not None:
        return pending
    delivery = Delivery(channel=channel, kind=kind, recipient=recipient, payload=payload,
                        dedup_key=dedup_key, ordering_key=ordering_key)
    db.session.add(delivery)
    return delivery


def leave_out_duplicates(session, flush_context, instances):
    """Before a flush: drop the new deliveries whose dedup key is in the outbox already."""
    new = [d for d in session.new if isinstance(d, Delivery)]
    if not new:
        return
    keys = {d.dedup_key for d in new}
    queued = set(session.scalars(select(Delivery.dedup_key).where(Delivery.dedup_key.in_(keys))))
    for delivery in new:
        if delivery.dedup_key in queued:
            session.expunge(delivery)


def register():
    """Check new deliveries against the outbox once per flush (once per process, for every session)."""
    if not event.contains(Session, "before_flush", leave_out_duplicates):
        event.listen(Session, "before_flush", leave_out_duplicates)
