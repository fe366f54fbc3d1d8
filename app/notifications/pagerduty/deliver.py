"""The "pagerduty" deliverer: Events API v2 events, and status look-ups answered privately in Slack."""
import logging
import uuid

from app.blocks.text import escape
from app.extensions import db
from app.notifications.pagerduty import http
from app.outbox import enqueue
from app.outbox.registry import PermanentFailure
from app.services import pagerduty, pagerduty_routing as routing, pagerduty_settings as settings
from app.services.core.encryption import SecretUnreadable

log = logging.getLogger("relay.pagerduty")


def _integration(payload):
    integration = settings.own_integration(payload.get("integration_org_id"))
    if integration is None:
        raise PermanentFailure("the PagerDuty settings that paged this incident were removed")
    return integration


def send_event(payload):
    integration = _integration(payload)
    try:
        key = routing.key_for(integration, payload.get("incident_id"))
    except SecretUnreadable as error:
        raise PermanentFailure(error.message)
    if not key:
        raise PermanentFailure(f"{integration.org.name} has no PagerDuty routing key saved")
    db.session.commit()  # the key chosen is remembered on the link; no transaction stays open while PagerDuty answers
    http.send_event({**payload["body"], "routing_key": key})


def _describe(incident: dict, reference) -> str:
    assignees = [a.get("assignee", {}).get("summary") for a in incident.get("assignments") or []
                 if isinstance(a, dict)] or [a.get("summary") for a in incident.get("assignees") or []
                                            if isinstance(a, dict)]
    who = ", ".join(str(name) for name in assignees if name) or "nobody yet"
    status = str(incident.get("status") or "unknown").capitalize()
    return (f"*{reference}* in PagerDuty: *{escape(status)}* · urgency {escape(incident.get('urgency') or '?')}"
            f" · assigned to {escape(who)}")


def check_status(payload):
    """Ask PagerDuty's REST API about one incident and tell the person who asked, privately."""
    reference = payload["reference"]
    try:
        token = settings.rest_token(_integration(payload))
    except SecretUnreadable:
        token = None
    db.session.rollback()
    if not token:
        text = f"Relay cannot ask PagerDuty about {reference}: no REST API key is saved for it. Ask an admin."
    else:
        try:
            if payload.get("pd_incident_id"):
                incident = http.rest_get(f"/incidents/{payload['pd_incident_id']}", token).get("incident") or {}
            else:
                found = http.rest_get(f"/incidents?incident_key={reference}", token).get("incidents") or []
                incident = found[0] if found else None
            text = _describe(incident, reference) if incident else \
                f"PagerDuty has no incident for {reference} yet (the page may still be on its way)."
        except http.PagerDutyError as error:
            log.warning("status of %s: %s", reference, error)
            text = f"PagerDuty did not tell Relay the status of {reference} ({error}). Try again in a moment."
    enqueue("slack", "pagerduty.status", payload.get("user") or "someone",
            {"op": "ephemeral", "text": text, "response_url": payload.get("response_url"),
             "channel": payload.get("channel"), "user": payload.get("user")},
            dedup_key=f"slack:pagerduty-status:{uuid.uuid4().hex}")
    db.session.commit()


OPERATIONS = {"event": send_event, "status": check_status}


def deliver(delivery):
    operation = OPERATIONS.get(delivery.payload.get("op", "event"))
    if operation is None:
        raise PermanentFailure(f"unknown PagerDuty operation {delivery.payload.get('op')!r}")
    operation(delivery.payload)


def failed(delivery, error):
    """An event PagerDuty refused for good: on the incident's (or ticket's) timeline, and the incident's Slack channels."""
    payload = delivery.payload
    if payload.get("op", "event") != "event":
        return
    if payload.get("incident_id"):
        pagerduty.page_failed(payload["incident_id"], payload["body"].get("event_action", "trigger"), error)
    elif payload.get("ticket_id"):
        pagerduty.ticket_page_failed(payload["ticket_id"], payload["body"].get("event_action", "trigger"), error)
