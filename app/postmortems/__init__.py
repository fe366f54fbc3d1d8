"""Postmortems on the web: the document, its editor, action items, the published list and exports."""
from flask import Blueprint

bp = Blueprint("postmortems", __name__)

from app.postmortems import routes  # noqa: E402,F401
