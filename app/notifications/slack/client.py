"""Slack Web API clients: a patient one for the worker, a quick one for the request path."""
import logging
from urllib.parse import urlsplit

from flask import current_app
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
)


def is_configured(app=None):
    """True when both the bot token and the signing secret are set."""
    config = (app or current_app).config
    return bool(config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET"))


log = logging.getLogger("relay.slack")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def response_url_allowed(url) -> bool:
    """True if *url* is an https URL on a host in SLACK_RESPONSE_URL_HOSTS (plain http only on loopback)."""
    allowed = {h.strip().lower() for h in (current_app.config.get("SLACK_RESPONSE_URL_HOSTS") or "").split(",")
               if h.strip()}
    try:
        parts = urlsplit(url) if isinstance(url, str) and len(url) <= 2000 else None
        host, netloc = (parts.hostname, parts.netloc.lower()) if parts else (None, None)
    except ValueError:
        host = netloc = None
    ok = (host is not None and (host in allowed or netloc in allowed) and not (parts.username or parts.password)
          and (parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)))
    if not ok:
        log.warning("Refused a Slack response_url outside SLACK_RESPONSE_URL_HOSTS: %.200r", url)
    return ok


def error_code(error: SlackApiError) -> str:
    """The error Slack named in a refused call ("message_not_found"...), or "unknown_error"."""
    return (error.response.get("error") if error.response is not None else None) or "unknown_error"


def _base_url():
    url = current_app.config.get("SLACK_API_URL") or "https://slack.com/api/"
    return url if url.endswith("/") else url + "/"


def worker_client() -> WebClient:
    """For the outbox: retries connection errors, 5xx and rate limits (sleeping Retry-After)."""
    return WebClient(
        token=current_app.config["SLACK_BOT_TOKEN"], base_url=_base_url(), timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1),
                        RateLimitErrorRetryHandler(max_retry_count=3),
                        ServerErrorRetryHandler(max_retry_count=1)],
    )


def request_client() -> WebClient:
    """For the one call a handler cannot defer (views.open): no retries, Slack waits only 3 s."""
    return WebClient(token=current_app.config["SLACK_BOT_TOKEN"], base_url=_base_url(),
                     timeout=current_app.config.get("SLACK_REQUEST_TIMEOUT", 2.5),
                     retry_handlers=[])
