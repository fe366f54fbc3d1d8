"""Absolute links to Relay's pages, for messages read outside the app (email, Slack)."""
from flask import current_app
from werkzeug.routing import BuildError


def absolute_url(endpoint, fallback=None, **values) -> str:
    """BASE_URL plus the page's path (works without a request)."""
    try:
        path = current_app.url_map.bind("relay.invalid").build(endpoint, values)
    except BuildError:
        if fallback is None:
            raise
        path = fallback
    return current_app.config["BASE_URL"].rstrip("/") + path
