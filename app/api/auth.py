"""Bearer tokens for the API: who is calling, what their token allows, and how fast they may call.

Cookies never authenticate the API (so CSRF cannot reach it): only `Authorization: Bearer rly_...`.
"""
import hashlib
from functools import wraps

from flask import abort, current_app, g, request

from app.extensions import csrf, limiter
from app.services import api_tokens

READ_METHODS = ("GET", "HEAD", "OPTIONS")
JSON_BODY_MAX = 1024 * 1024  # uploads keep MAX_CONTENT_LENGTH


def presented_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def rate_key():
    """Count per token (any address), or per address for requests without one."""
    raw = presented_token()
    prefix = current_app.config["LOGIN_LIMIT_KEY_PREFIX"]
    if raw:
        return f"{prefix}:api-token:{hashlib.sha256(raw.encode('utf-8', 'replace')).hexdigest()}"
    return f"{prefix}:api-address:{request.remote_addr or 'unknown'}"


def current_user():
    """The account the request's token acts as."""
    return g.api_token.user


def needs_scope(scope):
    """Refuse the view unless the token has *scope* (admin endpoints; read/write follow the method)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if scope not in g.api_token.scope_set:
                abort(403, f"This token lacks the {scope!r} scope.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def protect(blp):
    """Every request under *blp* needs a usable token with the scope its method implies, within its rate."""
    csrf.exempt(blp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(blp)

    @blp.before_request
    def authenticate():
        if request.content_type is None or not request.content_type.startswith("multipart/"):
            request.max_content_length = JSON_BODY_MAX
        token = api_tokens.authenticate(presented_token())
        if token is None:
            abort(401, "Send a valid, unexpired token: Authorization: Bearer rly_...")
        g.api_token = token
        needed = "read" if request.method in READ_METHODS else "write"
        if needed not in token.scope_set:
            abort(403, f"This token lacks the {needed!r} scope.")
