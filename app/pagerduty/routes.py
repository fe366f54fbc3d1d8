"""The webhook URL, one per organization: verify, parse, drop repeats, queue for the worker, answer."""
import logging

from flask import current_app, jsonify, request

from app.extensions import csrf, db
from app.pagerduty import bp
from app.pagerduty.verify import signature_problem
from app.services import pagerduty_webhooks as webhooks
from app.services.core.encryption import SecretUnreadable
from app.services.core.errors import ValidationError

log = logging.getLogger("relay.pagerduty")
csrf.exempt(bp)
BODY_MAX = 256 * 1024  # PagerDuty's webhooks are a few KB


@bp.post("/webhooks/<slug>")
def webhook(slug):
    integration = webhooks.integration_at(slug)
    if integration is None:
        return jsonify(error="No PagerDuty settings here."), 404
    if (request.content_length or 0) > BODY_MAX:
        return jsonify(error="The webhook is too large."), 413
    body = request.get_data(cache=False)
    try:
        secrets = webhooks.secrets_of(integration)
    except SecretUnreadable:
        log.error("PagerDuty webhook for %s: the signing secrets cannot be decrypted", slug[:60])
        return jsonify(error="Relay cannot check signatures right now."), 503
    problem = signature_problem(body, request.headers.get("X-PagerDuty-Signature"), secrets)
    if problem:
        log.warning("Refused a PagerDuty webhook for %s: %s (%d bytes)", slug[:60], problem, len(body))
        return jsonify(error="invalid or missing PagerDuty signature"), 401
    try:
        outcome = webhooks.receive(integration, body, request.headers.get("X-Webhook-Id"),
                                   max_age_hours=current_app.config["PAGERDUTY_WEBHOOK_MAX_AGE_HOURS"])
    except ValidationError as error:
        db.session.rollback()
        return jsonify(error=error.message), 400
    return jsonify(ok=True, outcome=outcome), 202 if outcome == "queued" else 200
