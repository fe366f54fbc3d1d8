"""Checking that a request really comes from Slack, before anything in it is read."""
import functools
from datetime import timedelta

from flask import current_app, jsonify, request
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete

from app.extensions import db
from app.models import SlackReceipt
from app.models.base import utcnow
from app.notifications.slack.client import is_configured
from app.slack.receipts import first_time

RECEIPTS_KEPT = timedelta(days=1)


def slack_request(view):
    """Answer 404 unless Slack is configured, 401 unless the v0 signature is valid, fresh and new."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_configured():
            return jsonify(error="Slack is not configured"), 404
        verifier = SignatureVerifier(current_app.config["SLACK_SIGNING_SECRET"])
        body = request.get_data(cache=True)
        signature = request.headers.get("X-Slack-Signature")
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        if not timestamp or not timestamp.isdigit() or not verifier.is_valid(body, timestamp, signature):
            return jsonify(error="invalid or stale Slack signature"), 401
        db.session.execute(delete(SlackReceipt).where(SlackReceipt.created_at < utcnow() - RECEIPTS_KEPT))
        if not first_time(f"signature:{signature}"):
            return jsonify(error="this Slack request was already received"), 401
        db.session.commit()
        return view(*args, **kwargs)

    return wrapper
