"""Account settings that belong to notifications: which emails a person gets."""
from flask import Blueprint

bp = Blueprint("preferences", __name__)

from app.preferences import routes  # noqa: E402,F401
