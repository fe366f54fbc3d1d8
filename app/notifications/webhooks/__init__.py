"""Outbound webhooks: incident and ticket events, signed (Standard Webhooks) and delivered by the outbox."""
from app.notifications.webhooks import deliver, events
from app.outbox import registry
from app.services import webhooks
from app.services.core import events as domain_events

SUBSCRIBERS = (
    (webhooks.EVENT_TYPES, events.record_changed),
    ((webhooks.TEST_EVENT,), events.test_requested),
)


def register():
    """Subscribe webhooks to every incident and ticket event and deliver the "webhook" channel over HTTP."""
    domain_events.subscribe_all(SUBSCRIBERS)
    registry.set_deliverer("webhook", deliver.deliver)
