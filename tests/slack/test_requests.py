"""Every Slack request is signed, fresh and new before anything in it is read."""
from datetime import timedelta
import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import Clock, SignatureVerifier
from sqlalchemy import func, select

from app.models import Incident, SlackReceipt
from app.models.base import utcnow
from tests.slack.conftest import sign

# Slack's published example: https://api.slack.com/authentication/verifying-requests-from-slack
EXAMPLE_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
EXAMPLE_TIMESTAMP = "1531420618"
EXAMPLE_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXAMPLE_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class At(Clock):
    def __init__(self, now):
        self._now = now

    def now(self):
        return self._now


def test_slacks_published_example_verifies():
    verifier = SignatureVerifier(EXAMPLE_SECRET, clock=At(int(EXAMPLE_TIMESTAMP) + 10))
    assert verifier.generate_signature(timestamp=EXAMPLE_TIMESTAMP, body=EXAMPLE_BODY) == EXAMPLE_SIGNATURE
    assert verifier.is_valid(EXAMPLE_BODY, EXAMPLE_TIMESTAMP, EXAMPLE_SIGNATURE)
    assert sign(EXAMPLE_BODY, EXAMPLE_TIMESTAMP, EXAMPLE_SECRET)["X-Slack-Signature"] == EXAMPLE_SIGNATURE


def test_the_published_example_is_stale_today(client):
    client.application.config["SLACK_SIGNING_SECRET"] = EXAMPLE_SECRET
    response = client.post("/slack/commands", data=EXAMPLE_BODY, content_type="application/x-www-form-urlencoded",
                           headers={"X-Slack-Request-Timestamp": EXAMPLE_TIMESTAMP,
                                    "X-Slack-Signature": EXAMPLE_SIGNATURE})
    assert response.status_code == 401


BODY = urlencode({"command": "/incident", "text": "ping", "user_id": "UALICE", "trigger_id": "T1"})


def _post(client, headers, body=BODY, path="/slack/commands"):
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded", headers=headers)


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="missing"),
    pytest.param({"X-Slack-Request-Timestamp": str(int(time.time()))}, id="no-signature"),
    pytest.param({**sign(BODY), "X-Slack-Signature": "v0=" + "0" * 64}, id="forged"),
    pytest.param(sign(BODY, secret="someone-elses-secret"), id="wrong-secret"),
    pytest.param(sign(BODY, timestamp=int(time.time()) - 400), id="stale"),
    pytest.param(sign(BODY, timestamp=int(time.time()) + 900), id="future"),
    pytest.param({**sign(BODY), "X-Slack-Request-Timestamp": "yesterday"}, id="garbage-timestamp"),
    pytest.param(sign(BODY + "&text=help"), id="body-changed"),
])
@pytest.mark.parametrize("path", ["/slack/commands", "/slack/interactions", "/slack/events"])
def test_bad_signatures_are_refused_with_nothing_done(client, slack_api, headers, path):
    response = _post(client, headers, path=path)
    assert response.status_code == 401
    assert slack_api.calls == []


def test_a_good_signature_is_answered(client, slack_api):
    response = _post(client, sign(BODY))
    assert response.status_code == 200
    assert response.json["text"] == "pong"


def test_a_replayed_request_is_refused(client, db):
    headers = sign(BODY)
    assert _post(client, headers).status_code == 200
    assert _post(client, headers).status_code == 401


def test_old_receipts_are_forgotten(client, db):
    db.session.add(SlackReceipt(key="signature:old", created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    _post(client, sign(BODY))
    assert db.session.scalar(select(func.count(SlackReceipt.id)).where(SlackReceipt.key == "signature:old")) == 0


def test_without_configuration_slack_is_not_there(client, slack_api):
    client.application.config.update(SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None)
    for path in ("/slack/commands", "/slack/interactions", "/slack/events"):
        response = _post(client, sign(BODY), path=path)
        assert response.status_code == 404
        assert response.json["error"] == "Slack is not configured"


def test_url_verification_handshake(slack, slack_api):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = slack.event({"type": "url_verification", "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge})
    assert response.json == {"challenge": challenge}
    assert slack_api.calls == []


@pytest.mark.parametrize("body", ["payload=not-json", "payload=", "nothing=here",
                                  urlencode({"payload": json.dumps([1, 2])}),
                                  urlencode({"payload": json.dumps({"type": "block_actions"})}),
                                  urlencode({"payload": json.dumps({"type": "strange", "user": {"id": "U1"}})})])
def test_malformed_interactions_get_a_clear_400(slack, body, db):
    response = slack.post("/slack/interactions", body)
    assert response.status_code == 400
    assert response.json["error"]
    assert db.session.scalar(select(func.count(Incident.id))) == 0


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"'])
def test_malformed_events_get_a_clear_400(slack, body):
    response = slack.post("/slack/events", body, "application/json")
    assert response.status_code == 400


def test_unknown_callback_and_action_ids(slack, factory):
    response = slack.submit("UALICE", "who.knows", {})
    assert response.status_code == 400 and "who.knows" in response.json["error"]
    response = slack.press("UALICE", "launch.rockets", "{}")
    assert response.status_code == 400 and "launch.rockets" in response.json["error"]


def test_button_with_a_mangled_value(slack, factory):
    response = slack.press("UALICE", "incident.assign_me", "not json")
    assert response.status_code == 400


@pytest.mark.parametrize("payload", [
    {"type": "view_submission", "user": {"id": "U1"}, "view": "nope"},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "incident.declare",
                                                               "state": {"values": {"title": ["x"]}}}},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "ticket.create",
                                                               "state": {"values": {"title": {"v": 3}}}}},
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "ticket.resolve"}},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": ["x"]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "ticket.close", "value": "[1]"}]},
])
def test_odd_shapes_get_a_clear_answer_never_a_500(slack, payload, factory):
    factory.provider()
    response = slack.interact(payload)
    assert response.status_code in (200, 400)
    assert response.status_code == 400 or response.json.get("response_action") == "errors"
