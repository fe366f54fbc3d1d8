"""Administration: users, organizations, product areas, deliveries."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import deliveries, routes, sla, tokens, webhooks  # noqa: E402,F401
