"""Integrations (provider admins): Slack channels linked to organizations, and PagerDuty per organization."""
from flask import Blueprint

bp = Blueprint("integrations", __name__)

from app.integrations import routes  # noqa: E402,F401
