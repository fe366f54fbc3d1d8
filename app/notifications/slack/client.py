"""Slack Web API clients: a patient one for the worker, a quick one for the request path."""
from flask import current_app
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
)


def is_configured(app=None):
    """True when both the bot token and the signing secret are set."""
    config = (app or current_app).config
    return bool(config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET"))


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
