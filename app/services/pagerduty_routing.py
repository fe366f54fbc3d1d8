"""Routing a page to one of an organization's routing keys, by the incident's severity and product area.

Each routing key may have a rule: severities and/or product areas. Keys are tried in
order and the first whose rule matches is paged; a key without a rule matches every
incident (the catch-all, usually last). When no key matches, the first key is paged, so
an incident is never left unpaged. Rules are stored beside the encrypted keys, one per
key, in the same order (`PagerDutyIntegration.routing_rules`); they hold no secret.

Every event about one incident goes to the key its first trigger went to (PagerDuty
deduplicates per service), remembered on its link as a fingerprint of that key. A ticket's
page goes to the first key without a rule, else the first key.
"""
import hashlib

from sqlalchemy import select

from app.extensions import db
from app.models import Incident, PagerDutyLink, ProductArea, Severity, User
from app.services.core.errors import NotFound, ValidationError
from app.services.pagerduty_settings import load_org, own_integration, routing_keys


def fingerprint(key: str) -> str:
    """A short one-way name for a routing key, so a link can say which key paged it without holding it."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def rules_of(integration) -> list[dict]:
    """One rule per routing key, in the keys' order ({} for a key without one)."""
    rules = list(integration.routing_rules or []) if integration else []
    return [rule if isinstance(rule, dict) else {} for rule in rules]


def matches(rule: dict, severity: Severity, product_area_id) -> bool:
    severities, areas = rule.get("severities") or [], rule.get("product_area_ids") or []
    return ((not severities or (severity is not None and severity.value in severities))
            and (not areas or product_area_id in areas))


def choose(keys: list[str], rules: list[dict], severity: Severity, product_area_id) -> str:
    """The first key whose rule matches (a key without a rule matches anything), else the first key."""
    for n, key in enumerate(keys):
        if matches(rules[n] if n < len(rules) else {}, severity, product_area_id):
            return key
    return keys[0]


def key_for(integration, incident_id) -> str | None:
    """The routing key to send an incident's event with; remembers a new choice on its link (caller commits)."""
    keys = routing_keys(integration)
    if not keys:
        return None
    if not incident_id:  # a ticket's page: the catch-all (rules are about incidents), else the first key
        return choose(keys, rules_of(integration), None, None)
    link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.incident_id == incident_id))
    if link is not None and link.routing_key_fingerprint:
        kept = next((k for k in keys if fingerprint(k) == link.routing_key_fingerprint), None)
        if kept is not None:
            return kept
    incident = db.session.get(Incident, incident_id) if incident_id else None
    if incident is None:
        return keys[0]
    key = choose(keys, rules_of(integration), incident.severity, incident.product_area_id)
    if link is not None:
        link.routing_key_fingerprint = fingerprint(key)
    return key


def save_rule(actor: User, org_id, position, severities=(), product_area_ids=()) -> dict:
    """Set the rule of an organization's n-th routing key (from 1); no severities and no areas: it matches all."""
    org = load_org(actor, org_id)
    integration = own_integration(org.id)
    keys = routing_keys(integration)
    if not isinstance(position, int) or not 1 <= position <= len(keys):
        raise NotFound("That routing key was not found.")
    severities = list(severities or [])
    if any(not isinstance(s, str) or s not in {v.value for v in Severity} for s in severities):
        raise ValidationError({"severities": "Pick severities from the list."})
    severities = [v.value for v in Severity if v.value in severities]  # once each, in order
    try:
        area_ids = sorted({int(a) for a in product_area_ids or []})
    except (TypeError, ValueError):
        raise ValidationError({"product_area_ids": "Pick product areas from the list."})
    if len(area_ids) > 50 or len(db.session.scalars(select(ProductArea.id).where(
            ProductArea.id.in_(area_ids))).all()) != len(area_ids):
        raise ValidationError({"product_area_ids": "Pick product areas from the list."})
    rules = rules_of(integration) + [{}] * len(keys)
    rules[position - 1] = {"severities": severities, "product_area_ids": area_ids} if severities or area_ids else {}
    integration.routing_rules = rules[:len(keys)] if any(rules[:len(keys)]) else None
    db.session.commit()
    return rules[position - 1]


def describe(rule: dict, area_names: dict) -> str:
    """How a rule reads on the admin page."""
    severities = " or ".join(Severity(s).label for s in rule.get("severities") or [])
    areas = " or ".join(area_names.get(a, f"area {a}") for a in rule.get("product_area_ids") or [])
    if severities and areas:
        return f"{severities} in {areas}"
    if severities or areas:
        return f"{severities} (any product area)" if severities else f"{areas} (any severity)"
    return "every incident"
