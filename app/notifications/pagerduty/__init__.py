"""PagerDuty: Relay's moves go out as Events API v2 events, refused pages are said out loud, webhooks are applied."""
from app.notifications.pagerduty import deliver, inbound
from app.outbox import registry
from app.services import pagerduty
from app.services.core import events


def incident_moved(event):
    pagerduty.follow_relay_move(event.subject, event.data["old"], event.data["new"], event.source)


def ticket_moved(event):
    pagerduty.follow_ticket_move(event.subject, event.data["old"], event.data["new"])


SUBSCRIBERS = (
    (("incident.status_changed",), incident_moved),
    (("ticket.status_changed",), ticket_moved),
)


def register():
    """Subscribe PagerDuty to incident and ticket moves; deliver the "pagerduty" channel and apply "pagerduty_webhook" rows."""
    events.subscribe_all(SUBSCRIBERS)
    registry.set_deliverer("pagerduty", deliver.deliver)
    registry.on_failure("pagerduty", deliver.failed)
    registry.set_deliverer("pagerduty_webhook", inbound.apply_webhook)
