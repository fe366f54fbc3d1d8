"""Inbound Slack: slash commands, interactions and events, answered by the same services as the web."""
from flask import Blueprint

bp = Blueprint("slack", __name__)

from app.slack import routes  # noqa: E402,F401
from app.notifications import slack, slack_incidents, slack_tickets  # noqa: E402,F401  (the deliverer and subscribers)
