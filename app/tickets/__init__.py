"""Tickets on the web."""
from flask import Blueprint

bp = Blueprint("tickets", __name__)

from app.tickets import routes  # noqa: E402,F401
