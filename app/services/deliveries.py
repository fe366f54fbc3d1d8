"""The outbox seen by admins: what went out, what is waiting, what failed, and retrying it."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Delivery, DeliveryState
from app.outbox import delivery as worker
from app.services.core import validation
from app.services.core.errors import InvalidTransition, NotFound
from app.services.core.permissions import Permission, require

CHANNELS = ("email", "slack", "pagerduty", "pagerduty_webhook", "webhook")


def list_deliveries(actor, *, state=None, channel=None, page=1, per_page=25):
    """One page of deliveries, newest first, filtered by state and channel."""
    require(actor, Permission.MANAGE_USERS)
    query = select(Delivery)
    if state:
        query = query.where(Delivery.state == validation.choice(DeliveryState, state, "state"))
    if channel:
        if channel not in CHANNELS:
            raise validation.ValidationError({"channel": f"Channel must be one of: {', '.join(CHANNELS)}."})
        query = query.where(Delivery.channel == channel)
    return db.paginate(query.order_by(Delivery.id.desc()), page=max(page, 1), per_page=per_page,
                       error_out=False)


def counts_by_state(actor) -> dict:
    require(actor, Permission.MANAGE_USERS)
    rows = db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
    return {state: count for state, count in rows}


def retry_delivery(actor, delivery_id) -> Delivery:
    """Send a failed delivery again: a fresh round of attempts, starting now."""
    require(actor, Permission.MANAGE_USERS)
    delivery = db.session.get(Delivery, validation.optional_id(delivery_id, "delivery_id") or 0)
    if delivery is None:
        raise NotFound("That delivery was not found.")
    if delivery.state is not DeliveryState.FAILED:
        raise InvalidTransition(f"Delivery {delivery.id} is {delivery.state.value}; only failed ones can be retried.")
    worker.retry(delivery)
    db.session.commit()
    return delivery
