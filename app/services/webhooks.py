"""Webhook endpoints: admins register them per organization; events go to those whose members may see them.

Each endpoint has its own `whsec_` secret (Standard Webhooks), shown once when it is made and
stored encrypted; the worker signs with it.
"""
import base64
import secrets

from flask import current_app
from sqlalchemy import delete, or_, select

from app.extensions import db
from app.models import Organization, User
from app.models.webhook import WebhookAttempt, WebhookEndpoint
from app.services import outbound_urls
from app.services.core import validation
from app.services.core.encryption import decrypt, encrypt
from app.services.core.errors import NotFound, ValidationError
from app.services.core.events import emit
from app.services.core.permissions import Permission, require

EVENT_TYPES = (
    "incident.declared", "incident.edited", "incident.status_changed", "incident.assigned", "incident.commented",
    "incident.deleted",
    "ticket.created", "ticket.edited", "ticket.status_changed", "ticket.assigned", "ticket.commented",
    "ticket.promoted",
)
PATTERNS = ("incident.*", "ticket.*")
TEST_EVENT = "webhook.test"
DESCRIPTION_MAX = 200
LOG_SIZE = 50


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _events(values) -> str:
    chosen = [values] if isinstance(values, str) else list(values or [])
    if not chosen:
        raise ValidationError({"events": "Choose at least one event."})
    for value in chosen:
        if value not in PATTERNS + EVENT_TYPES:
            raise ValidationError({"events": "Choose events from the list."})
    return " ".join(dict.fromkeys(chosen))


def matches(endpoint: WebhookEndpoint, event_name: str) -> bool:
    kind = event_name.split(".", 1)[0]
    return event_name in endpoint.event_list or f"{kind}.*" in endpoint.event_list


def _url(value) -> str:
    outbound_urls.check(value, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    return value.strip()


def create_endpoint(actor: User, *, org_id, url, events, description="") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for organization *org_id*; returns it and its secret (shown once)."""
    require(actor, Permission.MANAGE_USERS)
    org = db.session.get(Organization, validation.optional_id(org_id, "org_id") or 0)
    if org is None:
        raise ValidationError({"org_id": "Choose an organization from the list."})
    fields = dict(events=_events(events), url=_url(url),
                  description=validation.text(description, "description", max_length=DESCRIPTION_MAX,
                                              required=False))
    secret = new_secret()
    endpoint = WebhookEndpoint(org_id=org.id, created_by_id=actor.id, secret_encrypted=encrypt(secret), **fields)
    db.session.add(endpoint)
    db.session.commit()
    return endpoint, secret


def get_endpoint(actor: User, endpoint_id) -> WebhookEndpoint:
    require(actor, Permission.MANAGE_USERS)
    endpoint = db.session.get(WebhookEndpoint, validation.optional_id(endpoint_id, "endpoint_id") or 0)
    if endpoint is None:
        raise NotFound("That webhook endpoint was not found.")
    return endpoint


def list_endpoints(actor: User):
    require(actor, Permission.MANAGE_USERS)
    return db.session.scalars(select(WebhookEndpoint).join(Organization)
                              .order_by(Organization.name, WebhookEndpoint.id)).all()


def update_endpoint(actor: User, endpoint_id, *, url, events, description, active) -> WebhookEndpoint:
    """Change where an endpoint points and what it hears; switching it back on clears its failure count."""
    endpoint = get_endpoint(actor, endpoint_id)
    endpoint.url, endpoint.events = _url(url), _events(events)
    endpoint.description = validation.text(description, "description", max_length=DESCRIPTION_MAX, required=False)
    if active and not endpoint.active:
        endpoint.failures_in_a_row, endpoint.disabled_reason = 0, None
    endpoint.active = bool(active)
    db.session.commit()
    return endpoint


def delete_endpoint(actor: User, endpoint_id):
    endpoint = get_endpoint(actor, endpoint_id)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()


def send_test(actor: User, endpoint_id) -> WebhookEndpoint:
    """Queue a webhook.test message to one endpoint (delivered by the worker like any other)."""
    endpoint = get_endpoint(actor, endpoint_id)
    emit(TEST_EVENT, endpoint, actor)
    db.session.commit()
    return endpoint


def attempts_of(endpoint: WebhookEndpoint, limit=LOG_SIZE):
    return db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id)
                              .order_by(WebhookAttempt.id.desc()).limit(limit)).all()


def endpoints_hearing(org_id: int, event_name: str) -> list[WebhookEndpoint]:
    """Active endpoints of *org_id*, and of the provider (whose staff see every org), that want *event_name*."""
    providers = select(Organization.id).where(Organization.is_provider.is_(True))
    candidates = db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.active.is_(True),
        or_(WebhookEndpoint.org_id == org_id, WebhookEndpoint.org_id.in_(providers)))
        .order_by(WebhookEndpoint.id)).all()
    return [endpoint for endpoint in candidates if matches(endpoint, event_name)]


def secret_of(endpoint: WebhookEndpoint) -> str:
    return decrypt(endpoint.secret_encrypted)
