"""Fixtures for the Slack front: the Web API stand-in, signed requests, and delivering the outbox."""
import hashlib
import hmac
import json
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery, DeliveryState, Role
from app.models.base import utcnow
from app.outbox.delivery import deliver_due
from tests.slack_standin import SlackStandin

SECRET = "test-signing-secret"
INCIDENTS_CHANNEL = "CINCIDENTS"
TICKETS_CHANNEL = "CTICKETS"


@pytest.fixture
def slack_api():
    standin = SlackStandin().start()
    standin.known_channels.update({INCIDENTS_CHANNEL, TICKETS_CHANNEL, "CGENERAL"})
    yield standin
    standin.stop()


@pytest.fixture
def config_overrides(slack_api):
    return {"SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": slack_api.token, "SLACK_API_URL": slack_api.url,
            "SLACK_INCIDENTS_CHANNEL": INCIDENTS_CHANNEL, "SLACK_TICKETS_CHANNEL": TICKETS_CHANNEL,
            "SLACK_RESPONSE_URL_HOSTS": slack_api.base.removeprefix("http://")}


def sign(body: str, timestamp=None, secret=SECRET):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


class SlackClient:
    """Sends signed requests the way Slack does."""

    def __init__(self, client, standin):
        self.client = client
        self.standin = standin
        self._signed = set()

    def post(self, path, body, content_type="application/x-www-form-urlencoded", headers=None):
        # Slack signs each delivery (retries too) afresh: keep identical bodies from looking replayed.
        stamp = int(time.time())
        while (body, stamp) in self._signed:
            stamp -= 1
        self._signed.add((body, stamp))
        return self.client.post(path, data=body, content_type=content_type,
                                headers={**sign(body, stamp), **(headers or {})})

    def command(self, command, text="", user_id="UALICE", trigger_id="T-1", channel_id="CGENERAL"):
        return self.post("/slack/commands", urlencode({
            "command": command, "text": text, "user_id": user_id, "trigger_id": trigger_id,
            "channel_id": channel_id, "response_url": self.standin.response_url("cmd")}))

    def interact(self, payload):
        return self.post("/slack/interactions", urlencode({"payload": json.dumps(payload)}))

    def event(self, body, headers=None):
        return self.post("/slack/events", json.dumps(body), "application/json", headers)

    def press(self, user_id, action_id, value, channel="CSOMEWHERE"):
        return self.interact({
            "type": "block_actions", "user": {"id": user_id}, "channel": {"id": channel}, "trigger_id": "T-press",
            "response_url": self.standin.response_url("press"),
            "actions": [{"action_id": action_id, "value": value, "type": "button"}]})

    def submit(self, user_id, callback_id, values, view_id="V1"):
        return self.interact({"type": "view_submission", "user": {"id": user_id},
                              "view": {"id": view_id, "callback_id": callback_id, "private_metadata": "",
                                       "state": {"values": values}}})


@pytest.fixture
def slack(client, slack_api):
    return SlackClient(client, slack_api)


def text_value(value):
    return {"value": {"type": "plain_text_input", "value": value}}


def select_value(value):
    return {"value": {"type": "static_select", "selected_option": {"value": value} if value else None}}


def user_value(user_id):
    return {"value": {"type": "users_select", "selected_user": user_id}}


def deliver_slack(rounds=20):
    """Run the outbox worker until nothing is pending, jumping past each retry's backoff."""
    now, delivered = utcnow(), 0
    for _ in range(rounds):
        delivered += deliver_due(now=now)
        if not db.session.scalar(select(Delivery.id).where(Delivery.state == DeliveryState.PENDING).limit(1)):
            break
        now += timedelta(hours=2)
    return delivered


@pytest.fixture
def live_app(app):
    """The app served over real HTTP on 127.0.0.1 (threaded, like a production worker)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def http_post(url, body, content_type="application/x-www-form-urlencoded"):
    """POST a signed body like Slack does, over HTTP; returns (status, text)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, **sign(body)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def people(factory, slack_api):
    """A reporter, a responder and a manager, each known to Slack by email; one product area."""
    provider = factory.provider()
    found = {}
    for key, role in [("alice", Role.REPORTER), ("bob", Role.RESPONDER), ("mia", Role.MANAGER),
                      ("olga", Role.RESPONDER)]:
        found[key] = factory.user(role, org=provider, email=f"{key}@example.com", name=key.capitalize())
        slack_api.add_user(f"U{key.upper()}", f"{key}@example.com", key.capitalize())
    found["area"] = factory.product_area("Payments", owners=[found["olga"]])
    return found
