"""The "webhook" deliverer: POST the signed message to the endpoint, log the attempt, switch off dead endpoints.

The connection goes to the address outbound_urls checked a moment before (TLS still verifies
the host name), and redirects are not followed, so a webhook cannot be turned into a probe
of the internal network. No database transaction is open while the receiver answers.
"""
import http.client
import json
import socket
import ssl
import time

from flask import current_app

from app.extensions import db
from app.models.base import utcnow
from app.models.webhook import WebhookAttempt, WebhookEndpoint
from app.notifications.email.compose import queue_email
from app.notifications.recipients import admin_recipients
from app.notifications.webhooks.signing import headers as signed_headers
from app.outbox.registry import PermanentFailure
from app.services import outbound_urls, webhooks
from app.services.core.errors import ValidationError

USER_AGENT = "Relay-Webhooks/1"
RESPONSE_READ_MAX = 64 * 1024


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, address, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: outbound_urls.Target, body: bytes, headers: dict, timeout: float) -> int:
    """POST *body* to the first address of *target* and return the status code (the body is not kept)."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    extra = {"context": ssl.create_default_context()} if target.scheme == "https" else {}
    connection = kind(target.addresses[0], target.host, target.port, timeout=timeout, **extra)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_MAX)
        return response.status
    finally:
        connection.close()


def deliver(delivery):
    """Send one webhook message; raising means this attempt failed (the worker retries with backoff)."""
    endpoint = db.session.get(WebhookEndpoint, delivery.payload["endpoint_id"])
    if endpoint is None or not endpoint.active:
        db.session.rollback()
        raise PermanentFailure("The endpoint was deleted or switched off.")
    secret, url, endpoint_id = webhooks.secret_of(endpoint), endpoint.url, endpoint.id
    db.session.rollback()  # nothing held open while the receiver answers
    message_id = delivery.payload["message_id"]
    body = json.dumps(delivery.payload["body"], separators=(",", ":"), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               **signed_headers(secret, message_id, int(time.time()), body)}
    status, error, refused, started = None, None, False, time.monotonic()
    try:
        target = outbound_urls.check(url, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    except outbound_urls.HostNotFound as failure:
        error = next(iter(failure.errors.values()))
    except ValidationError as refusal:
        error, refused = next(iter(refusal.errors.values())), True
    if error is None:
        try:
            status = post(target, body, headers, current_app.config["WEBHOOK_TIMEOUT"])
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
    _record(delivery, endpoint_id, message_id, status, error, int((time.monotonic() - started) * 1000))
    if refused:
        raise PermanentFailure(error)
    if status == 410:
        raise PermanentFailure("The receiver answered 410 Gone: the endpoint was switched off.")
    if status is None or not 200 <= status < 300:
        raise RuntimeError(error or f"The receiver answered {status}.")


def _record(delivery, endpoint_id, message_id, status, error, duration_ms):
    """Log the attempt and keep the endpoint's count of failures in a row; too many switch it off."""
    db.session.add(WebhookAttempt(endpoint_id=endpoint_id, delivery_id=delivery.id, message_id=message_id,
                                  event_type=delivery.kind, status_code=status, error=error,
                                  duration_ms=duration_ms))
    endpoint = db.session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is not None:
        if status is not None and 200 <= status < 300:
            endpoint.failures_in_a_row = 0
        else:
            endpoint.failures_in_a_row += 1
            limit = current_app.config["WEBHOOK_DISABLE_AFTER"]
            if endpoint.active and (status == 410 or endpoint.failures_in_a_row >= limit):
                _switch_off(endpoint, "The receiver answered 410 Gone." if status == 410 else
                            f"{endpoint.failures_in_a_row} attempts in a row failed; the last: "
                            f"{error or f'HTTP {status}'}")
    db.session.commit()


def _switch_off(endpoint, reason):
    endpoint.active, endpoint.disabled_reason = False, reason[:300]
    for admin in admin_recipients():
        queue_email(admin, "webhook.disabled", "webhook_disabled", f"Webhook switched off: {endpoint.url[:80]}",
                    dedup_key=f"webhook.disabled:{endpoint.id}:{utcnow().isoformat()}", critical=True,
                    endpoint=endpoint, reason=reason, link=_endpoint_link(endpoint))


def _endpoint_link(endpoint):
    from app.links import absolute_url

    return absolute_url("admin.webhook", endpoint_id=endpoint.id)
