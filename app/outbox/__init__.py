"""Writing deliveries to the outbox, inside the caller's transaction."""
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery


def enqueue(channel, kind, recipient, payload, dedup_key, ordering_key=None) -> Delivery:
    """Add a delivery unless one with *dedup_key* already exists; never commits."""
    pending = next((d for d in db.session.new if isinstance(d, Delivery) and d.dedup_key == dedup_key), None)
    existing = pending or db.session.scalar(select(Delivery).where(Delivery.dedup_key == dedup_key))
    if existing is not None:
        return existing
    delivery = Delivery(channel=channel, kind=kind, recipient=recipient, payload=payload,
                        dedup_key=dedup_key[:200], ordering_key=ordering_key)
    db.session.add(delivery)
    return delivery
