"""PagerDuty settings per organization: routing keys, services, REST token, webhook secrets, severity, paging.

An organization without settings of its own is paged through the provider's (the
provider-wide default). Secrets are stored encrypted and never shown again: only
their last four characters.
"""
import json
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Organization, PagerDutyIntegration, PagerDutyService, Severity, User
from app.services.core import encryption, validation
from app.services.core.errors import DomainError, NotFound, ValidationError
from app.services.core.permissions import Permission, require

ROUTING_KEY = re.compile(r"[A-Za-z0-9]{20,64}", re.ASCII)
SERVICE_ID = re.compile(r"[A-Z0-9]{2,20}", re.ASCII)
REST_TOKEN = re.compile(r"[A-Za-z0-9_+=.-]{16,128}", re.ASCII)
SECRET = re.compile(r"[\x21-\x7e]{16,200}", re.ASCII)
MAX_ROUTING_KEYS, MAX_SECRETS, MAX_SERVICES = 5, 5, 50


def load_org(actor: User, org_id) -> Organization:
    require(actor, Permission.MANAGE_USERS, "Only the provider's admins can see PagerDuty settings.")
    org = db.session.get(Organization, validation.optional_id(org_id, "org_id") or 0)
    if org is None:
        raise NotFound("That organization was not found.")
    return org


def own_integration(org_id) -> PagerDutyIntegration | None:
    return db.session.scalar(select(PagerDutyIntegration).where(PagerDutyIntegration.org_id == org_id))


def default_integration() -> PagerDutyIntegration | None:
    """The provider's own settings: the default for every organization."""
    return db.session.scalar(
        select(PagerDutyIntegration).join(Organization, Organization.id == PagerDutyIntegration.org_id)
        .where(Organization.is_provider.is_(True)).order_by(Organization.id).limit(1))


def _pages_itself(own) -> bool:
    """Own settings page by themselves when they hold a routing key, or say not to page at all."""
    return own is not None and (bool(own.routing_keys) or not own.paging_enabled)


def integration_for(org_id) -> PagerDutyIntegration | None:
    """The settings whose routing key pages organization *org_id*: its own, else the provider's.

    Settings of its own without a routing key (only service ids, say) still page through the
    provider's key; settings that turn paging off stop it.
    """
    own = own_integration(org_id)
    return own if _pages_itself(own) else (default_integration() or own)


def integration_for_service(service_id) -> PagerDutyIntegration | None:
    """The integration a PagerDuty service id was entered under."""
    if not isinstance(service_id, str) or not SERVICE_ID.fullmatch(service_id):
        return None
    return db.session.scalar(select(PagerDutyIntegration).join(PagerDutyService)
                             .where(PagerDutyService.service_id == service_id))


def unseal_list(token) -> list[str]:
    """The secrets in a stored token (a JSON list), decrypted."""
    return json.loads(encryption.decrypt(token)) if token else []


def routing_keys(integration) -> list[str]:
    return unseal_list(integration.routing_keys) if integration else []


def webhook_secrets(integration) -> list[str]:
    return unseal_list(integration.webhook_secrets) if integration else []


def rest_token(integration) -> str | None:
    return encryption.decrypt(integration.rest_token) if integration and integration.rest_token else None


def summary(integration) -> dict:
    """What the admin page shows of saved secrets: the last four characters, or why they cannot be read."""
    if integration is None:
        return {}
    try:
        return {"routing_keys": [encryption.last4(k) for k in routing_keys(integration)],
                "rest_token": encryption.last4(rest_token(integration)) if integration.rest_token else None,
                "webhook_secrets": [encryption.last4(s) for s in webhook_secrets(integration)], "problem": None}
    except encryption.SecretUnreadable as error:
        return {"routing_keys": [], "rest_token": None, "webhook_secrets": [], "problem": error.message}


def _lines(value, field, pattern, limit, what):
    value = validation.text(value, field, max_length=4000, required=False)
    items = list(dict.fromkeys(part for part in re.split(r"[\s,]+", value) if part))
    bad = next((n for n, item in enumerate(items, start=1) if not pattern.fullmatch(item)), None)
    if bad is not None:  # named by position: a malformed secret is not echoed back
        raise ValidationError({field: f"Entry {bad} is not a {what}."})
    if len(items) > limit:
        raise ValidationError({field: f"At most {limit} {what}s."})
    return items


def _readable(read, integration) -> list[str]:
    """What *read* gives, or nothing when the saved secrets cannot be decrypted any more (they are being replaced)."""
    try:
        return read(integration)
    except encryption.SecretUnreadable:
        return []


def realign(old_keys: list[str], old_rules, new_keys: list[str]) -> list[dict] | None:
    """The routing rules for *new_keys*: a key saved before keeps its rule, a new key has none."""
    old_rules = old_rules if isinstance(old_rules, list) else []
    by_key = {key: old_rules[n] for n, key in enumerate(old_keys) if n < len(old_rules)}
    rules = [by_key.get(key) or {} for key in new_keys]
    return rules if any(rules) else None


def _seal(items) -> str | None:
    return encryption.encrypt(json.dumps(items)) if items else None


def save_integration(actor: User, org_id, *, routing_keys_text="", clear_routing_keys=False, rest_token_text="",
                     clear_rest_token=False, webhook_secret="", service_ids="", default_severity="sev2",
                     paging_enabled=True) -> PagerDutyIntegration:
    """Create or change an organization's PagerDuty settings; empty secret fields keep what is saved."""
    org = load_org(actor, org_id)
    keys = _lines(routing_keys_text, "routing_keys", ROUTING_KEY, MAX_ROUTING_KEYS, "routing key")
    token = validation.text(rest_token_text, "rest_token", max_length=128, required=False)
    if token and not REST_TOKEN.fullmatch(token):
        raise ValidationError({"rest_token": "A PagerDuty REST API key is 16 to 128 letters, digits or _+=.-"})
    secret = validation.text(webhook_secret, "webhook_secret", max_length=200, required=False)
    if secret and not SECRET.fullmatch(secret):
        raise ValidationError({"webhook_secret": "A signing secret is 16 to 200 visible characters, no spaces."})
    services = [s.upper() for s in _lines(service_ids.upper() if isinstance(service_ids, str) else service_ids,
                                          "service_ids", SERVICE_ID, MAX_SERVICES, "PagerDuty service id")]
    severity = validation.choice(Severity, default_severity, "default_severity", "Default severity")
    integration = own_integration(org.id) or PagerDutyIntegration(org_id=org.id)
    taken = db.session.scalars(select(PagerDutyService.service_id).join(PagerDutyIntegration)
                               .where(PagerDutyService.service_id.in_(services),
                                      PagerDutyIntegration.org_id != org.id)).all()
    if taken:
        raise ValidationError({"service_ids": f"{', '.join(taken)} already belong to another organization."})
    if (keys or token or secret) and not encryption.can_encrypt():
        raise ValidationError({"routing_keys" if keys else "rest_token" if token else "webhook_secret":
                               encryption.NO_KEY})
    try:
        if keys or clear_routing_keys:
            integration.routing_rules = realign(_readable(routing_keys, integration), integration.routing_rules, keys)
            integration.routing_keys = _seal(keys)
        if token or clear_rest_token:
            integration.rest_token = encryption.encrypt(token) if token else None
        if secret:
            saved = webhook_secrets(integration)
            if secret not in saved:
                integration.webhook_secrets = _seal((saved + [secret])[-MAX_SECRETS:])
    except encryption.SecretUnreadable as error:
        raise ValidationError({"webhook_secret": error.message})
    except DomainError as error:
        raise ValidationError({"routing_keys": error.message})
    existing = {s.service_id: s for s in integration.services}
    integration.services = [existing.get(s) or PagerDutyService(service_id=s) for s in services]
    integration.default_severity, integration.paging_enabled = severity, bool(paging_enabled)
    db.session.add(integration)
    db.session.commit()
    return integration


def remove_webhook_secret(actor: User, org_id, position) -> PagerDutyIntegration:
    """Stop accepting one signing secret (the n-th, from 1), e.g. the old one after a rotation."""
    org = load_org(actor, org_id)
    integration = own_integration(org.id)
    position = validation.optional_id(position, "position")
    secrets = webhook_secrets(integration)
    if integration is None or position is None or position > len(secrets):
        raise NotFound("That signing secret was not found.")
    del secrets[position - 1]
    integration.webhook_secrets = _seal(secrets)
    db.session.commit()
    return integration


def delete_integration(actor: User, org_id) -> Organization:
    """Forget an organization's own settings: it is paged through the provider's default from now on."""
    org = load_org(actor, org_id)
    integration = own_integration(org.id)
    if integration is not None:
        db.session.delete(integration)
        db.session.commit()
    return org


def overview(actor: User):
    """Every organization with its own settings (or None) and what pages it."""
    require(actor, Permission.MANAGE_USERS)
    orgs = db.session.scalars(select(Organization).order_by(Organization.is_provider.desc(), Organization.name)).all()
    own = {i.org_id: i for i in db.session.scalars(select(PagerDutyIntegration)).all()}
    default = default_integration()
    return [(org, own.get(org.id), own[org.id] if _pages_itself(own.get(org.id)) else default or own.get(org.id))
            for org in orgs]


def reencrypt_all() -> int:
    """Re-encrypt every stored secret under the first key of RELAY_ENCRYPTION_KEYS; returns how many."""
    count = 0
    for integration in db.session.scalars(select(PagerDutyIntegration)).all():
        for column in ("routing_keys", "rest_token", "webhook_secrets"):
            token = getattr(integration, column)
            if token:
                setattr(integration, column, encryption.rotate(token))
                count += 1
    db.session.commit()
    return count
