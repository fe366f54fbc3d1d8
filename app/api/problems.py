"""Every API error as an RFC 9457 problem document: HTTP errors, refused input, domain refusals."""
from flask import current_app
from werkzeug.exceptions import HTTPException

from app.errors import problem
from app.extensions import db
from app.services.core.errors import DomainError, Forbidden, InvalidTransition, NotFound, ValidationError
from app.services.idempotency import RequestInProgress

DOMAIN_STATUS = ((NotFound, 404), (Forbidden, 403), (ValidationError, 422), (InvalidTransition, 409),
                 (RequestInProgress, 409), (DomainError, 400))


class PreconditionFailed(DomainError):
    """If-Match named another version of the record."""


def field_errors(messages) -> dict:
    """webargs' {location: {field: [messages]}} as one {field: [messages]} map."""
    errors = {}
    for location_errors in (messages or {}).values():
        if isinstance(location_errors, dict):
            for field, field_messages in location_errors.items():
                errors[str(field)] = field_messages if isinstance(field_messages, list) else [field_messages]
    return errors


def register(blp):
    """Answer every error raised under *blp* with a problem document."""

    def http_error(error):
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        if error.code == 422:
            return problem(422, "The request has invalid fields.", errors=field_errors(data.get("messages")),
                           headers=headers)
        if error.code == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="relay"')
        if error.code == 413:
            detail = "The request body is larger than Relay accepts."
        else:
            detail = data.get("message") or (error.description if error.code in (400, 401, 403, 429) else None)
        response = error.get_response()
        for name in ("Allow", "Retry-After"):
            if name in response.headers:
                headers.setdefault(name, response.headers[name])
        return problem(error.code or 500, detail, headers=headers)

    # By status code too: the app's handlers for a code would otherwise come before a class handler.
    blp.register_error_handler(HTTPException, http_error)
    for code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429):
        blp.register_error_handler(code, http_error)

    @blp.errorhandler(PreconditionFailed)
    def precondition_failed(error):
        db.session.rollback()
        return problem(412, error.message)

    @blp.errorhandler(DomainError)
    def domain_error(error):
        db.session.rollback()
        status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
        if isinstance(error, ValidationError):
            errors = {field or "body": [message] for field, message in error.errors.items()}
            return problem(422, "The request has invalid fields.", errors=errors)
        return problem(status, error.message)

    @blp.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        current_app.logger.exception("Unhandled error in the API")
        return problem(500, "Relay hit an unexpected error. It has been logged.")
