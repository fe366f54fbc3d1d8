"""The webhook URL, one per organization: verify, parse, drop repeats, queue for the worker, answer."""
import logging

from flask import current_app, jsonify, request

from app.extensions import csrf, limiter
from app.pagerduty import bp
from app.services import pagerduty_webhooks as webhooks
from app.services.core.encryption import SecretUnreadable
from app.services.core.errors import ValidationError

log = logging.getLogger("relay.pagerduty")
csrf.exempt(bp)
limiter.exempt(bp)  # PagerDuty's own retries must not be refused; a forged request costs one HMAC
BODY_MAX = 256 * 1024  # PagerDuty's webhooks are a few KB


@bp.post("/webhooks/<slug>")
def webhook(slug):
    try:
        receiver = webhooks.receiver_at(slug)
        if receiver is None:
            return jsonify(error="No PagerDuty settings here."), 404
        if (request.content_length or 0) > BODY_MAX:
            return jsonify(error="The webhook is too large."), 413
        outcome = webhooks.accept(slug, receiver, request.get_data(cache=False),
                                  request.headers.get("X-PagerDuty-Signature"), request.headers.get("X-Webhook-Id"),
                                  max_age_hours=current_app.config["PAGERDUTY_WEBHOOK_MAX_AGE_HOURS"])
    except SecretUnreadable:
        log.error("PagerDuty webhook for %s: the signing secrets cannot be decrypted", slug[:60])
        return jsonify(error="Relay cannot check signatures right now."), 503
    except webhooks.Unverified as problem:
        log.warning("Refused a PagerDuty webhook for %s: %s", slug[:60], problem)
        return jsonify(error="invalid or missing PagerDuty signature"), 401
    except ValidationError as error:
        return jsonify(error=error.message), 400
    if outcome == "gone":
        return jsonify(error="No PagerDuty settings here."), 404
    return jsonify(ok=True, outcome=outcome), 202 if outcome == "queued" else 200
