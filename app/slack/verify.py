"""Checking that a request really comes from Slack, before anything in it is read."""
import functools
import hashlib
import hmac
import logging
import re
import time
from datetime import timedelta

from flask import current_app, jsonify, request
from sqlalchemy import delete

from app.extensions import db
from app.models import SlackReceipt
from app.models.base import utcnow
from app.notifications.slack.client import is_configured
from app.slack.receipts import first_time

log = logging.getLogger("relay.slack")

RECEIPTS_KEPT = timedelta(days=1)
MAX_AGE = 5 * 60  # Slack's advice: refuse requests more than five minutes old (or ahead)
TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)


def signature_problem(body: bytes, timestamp, signature) -> str | None:
    """What is wrong with a request's v0 signature, or None when it is valid and fresh."""
    if not timestamp or not TIMESTAMP.fullmatch(timestamp):
        return "no usable timestamp"
    if abs(time.time() - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not signature or not SIGNATURE.fullmatch(signature):
        return "no usable signature"
    secret = current_app.config["SLACK_SIGNING_SECRET"].encode()
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature does not match"
    return None


def _refuse(reason, message="invalid or stale Slack signature"):
    log.warning("Refused a Slack request to %s: %s (%d bytes)", request.path, reason, request.content_length or 0)
    return jsonify(error=message), 401


def slack_request(view):
    """Answer 404 unless Slack is configured, 401 unless the v0 signature is valid, fresh and new."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not is_configured():
            return jsonify(error="Slack is not configured"), 404
        body = request.get_data(cache=True)
        signature = request.headers.get("X-Slack-Signature")
        problem = signature_problem(body, request.headers.get("X-Slack-Request-Timestamp"), signature)
        if problem:
            return _refuse(problem)
        db.session.execute(delete(SlackReceipt).where(SlackReceipt.created_at < utcnow() - RECEIPTS_KEPT))
        if not first_time(f"signature:{signature}"):
            db.session.rollback()
            return _refuse("replayed", "this Slack request was already received")
        db.session.commit()
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return jsonify(error="The body is not UTF-8."), 400
        return view(*args, **kwargs)

    return wrapper
