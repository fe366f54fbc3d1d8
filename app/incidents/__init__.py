"""Incidents on the web."""
from flask import Blueprint

bp = Blueprint("incidents", __name__)

from app.incidents import routes  # noqa: E402,F401
