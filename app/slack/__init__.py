"""Inbound Slack: slash commands, interactions and events, answered by the same services as the web."""
from flask import Blueprint

bp = Blueprint("slack", __name__)

from app.slack import routes  # noqa: E402,F401
