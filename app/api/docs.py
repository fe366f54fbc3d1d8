"""The API's docs page: Swagger UI served from our own host, reading /api/v1/openapi.json."""
from flask import Blueprint, render_template

bp = Blueprint("api_docs_page", __name__)


@bp.route("/docs")
def docs():
    """Browse the API; no token is needed to read the document."""
    return render_template("api/docs.html")
