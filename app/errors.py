"""Friendly error pages, and domain errors that escape a view."""
import logging

from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.services.core.errors import DomainError, Forbidden, NotFound

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not allow this. Ask an admin if you need it."),
    404: ("Not found", "There is nothing here, or it belongs to another organization."),
    405: ("Method not allowed", "That action cannot be done this way."),
    413: ("Too large", "What you sent is larger than Relay accepts."),
    429: ("Slow down", "Too many attempts. Wait a minute and try again."),
    500: ("Something went wrong", "Relay hit an unexpected error. It has been logged."),
}


def problem(status, detail=None, *, errors=None, title=None, headers=None):
    """An RFC 9457 problem document: what the API answers for every error."""
    from http import HTTPStatus

    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers.extend(headers or {})
    return response


def is_api_request():
    return request.path == "/api" or request.path.startswith("/api/")


def wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(code, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    if is_api_request():
        return problem(code, message)
    if wants_json():
        return jsonify(error=title, message=message or default), code
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default), code


def same_site_referrer():
    """The path of the page that sent this request, if it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/") or referrer.path.startswith("//"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def register(app):
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: error_page(code, getattr(e, "description", None)
                                                                          if code in (400, 413) else None))

    @app.errorhandler(413)
    def too_large(error):
        # An oversized upload goes back to the page it came from, with a message, not an error page.
        back = same_site_referrer()
        if wants_json() or request.method != "POST" or back is None:
            return error_page(413)
        limit = current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024) or 1
        flash(f"That upload is too large: files can be at most {limit} MB.", "danger")
        return redirect(back)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, "Your form expired or was tampered with. Reload the page and try again.")

    @app.errorhandler(NotFound)
    def not_found(error):
        db.session.rollback()
        return error_page(404, error.message)

    @app.errorhandler(Forbidden)
    def forbidden(error):
        db.session.rollback()
        return error_page(403, error.message)

    @app.errorhandler(DomainError)
    def domain_error(error):
        db.session.rollback()
        return error_page(400, error.message)

    @app.errorhandler(Exception)
    def unexpected(error):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):
            return error_page(error.code or 500)
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500)
