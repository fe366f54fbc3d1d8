"""The "pagerduty_webhook" deliverer: the worker applies each queued PagerDuty webhook to Relay.

It lives with the outbound PagerDuty code because it needs PagerDuty's REST API: a
reassignment names people by PagerDuty id and name only, and their emails (to find their
Relay accounts) come from GET /users/{id}, asked with no transaction open.
"""
import logging

from app.extensions import db
from app.notifications.pagerduty import http
from app.outbox.registry import PermanentFailure
from app.services import identities, pagerduty_inbound, pagerduty_settings as settings
from app.services.core.encryption import SecretUnreadable
from app.services.core.errors import DomainError

log = logging.getLogger("relay.pagerduty")
MAX_ASSIGNEES = 5


def _people(org_id, data) -> list:
    """Who PagerDuty assigned, with their emails where the REST API can tell (linked people need no look-up)."""
    assignees = [a for a in data.get("assignees") or [] if isinstance(a, dict) and isinstance(a.get("id"), str)]
    people, token = [], None
    for assignee in assignees[:MAX_ASSIGNEES]:
        pd_id, name = assignee["id"][:20], str(assignee.get("summary") or assignee["id"])[:100]
        email = None
        if identities.find("pagerduty", pd_id) is None:
            if token is None:
                try:
                    token = settings.rest_token(settings.own_integration(org_id)) or ""
                except SecretUnreadable:
                    token = ""
                db.session.rollback()
            if token:
                try:
                    email = (http.rest_get(f"/users/{pd_id}", token).get("user") or {}).get("email")
                except http.PagerDutyError as error:
                    if error.status == 0 or error.status >= 500 or error.status == 429:
                        raise  # worth another try: the assignment waits for the email
                    log.info("PagerDuty user %s: %s; shown by name", pd_id, error)
        people.append(pagerduty_inbound.Person(pd_id, name, email if isinstance(email, str) else None))
    return people


def apply_webhook(delivery):
    payload = delivery.payload
    event = payload["event"]
    try:
        people = _people(payload["org_id"], event["data"]) if event["event_type"] == "incident.reassigned" else []
        log.info(pagerduty_inbound.apply(payload["org_id"], event, people))
    except DomainError as error:
        db.session.rollback()
        raise PermanentFailure(error.message)
