"""Inbound PagerDuty: webhooks (v3), verified, deduplicated and queued for the worker."""
from flask import Blueprint

bp = Blueprint("pagerduty", __name__)

from app.pagerduty import routes  # noqa: E402,F401
