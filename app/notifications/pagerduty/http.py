"""Talking to PagerDuty over HTTP: the Events API v2 and the REST API, with errors sorted for the outbox."""
import json
import logging
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

from flask import current_app

from app.models.base import utcnow
from app.outbox.registry import PermanentFailure, RetryLater

log = logging.getLogger("relay.pagerduty")
ANSWER_MAX = 64 * 1024


class PagerDutyError(Exception):
    """PagerDuty answered something other than success; *status* is the HTTP status (0: no answer)."""

    def __init__(self, message, status=0, retry_after=None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def _base(name):
    return (current_app.config.get(name) or "").rstrip("/")


def retry_after_seconds(value) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment.replace(tzinfo=None) - utcnow()).total_seconds(), 0.0) if moment else None


def _call(request, timeout) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(ANSWER_MAX)
            return json.loads(raw or b"{}") if raw.strip() else {}
    except urllib.error.HTTPError as error:
        raw = error.read(ANSWER_MAX)
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {"message": raw[:200].decode("utf-8", "replace")}
        raise PagerDutyError(_message(answer, error.code), error.code, retry_after_seconds(error.headers.get("Retry-After")))
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PagerDutyError(f"PagerDuty did not answer: {getattr(error, 'reason', error)}")


def _message(answer, status):
    """PagerDuty's own words for a failure: its message and the first few errors."""
    nested = answer.get("error") if isinstance(answer, dict) else None
    source = nested if isinstance(nested, dict) else answer if isinstance(answer, dict) else {}
    parts = [str(source["message"])] if source.get("message") else []
    if isinstance(source.get("errors"), list):
        parts += [str(e) for e in source["errors"][:5]]
    return f"HTTP {status}: {'; '.join(parts)}"[:500] if parts else f"HTTP {status}"


def send_event(body: dict):
    """POST one Events API v2 event; sorts failures into permanent, retry-later and retry-with-backoff."""
    request = urllib.request.Request(f"{_base('PAGERDUTY_EVENTS_URL')}/v2/enqueue", method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json",
                                                                              "User-Agent": "Relay"})
    try:
        return _call(request, current_app.config["PAGERDUTY_TIMEOUT"])
    except PagerDutyError as error:
        if error.status == 429 or (error.status >= 500 and error.retry_after is not None):
            raise RetryLater(f"PagerDuty asked Relay to wait ({error})", error.retry_after) from error
        if 400 <= error.status < 500:
            raise PermanentFailure(f"PagerDuty refused the {body.get('event_action')}: {error}") from error
        raise


def rest_get(path: str, token: str, timeout=None) -> dict:
    """GET a REST API resource with the integration's token; PagerDutyError when it fails."""
    request = urllib.request.Request(f"{_base('PAGERDUTY_API_URL')}{path}", headers={
        "Authorization": f"Token token={token}", "Accept": "application/vnd.pagerduty+json;version=2",
        "User-Agent": "Relay"})
    return _call(request, timeout or current_app.config["PAGERDUTY_TIMEOUT"])
