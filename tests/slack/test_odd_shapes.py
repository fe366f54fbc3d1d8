"""No request shape gives a 500, signed or unsigned: the shared verify and parse code holds the class."""
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app.models import Incident, Ticket
from tests.slack.conftest import select_value, text_value

PATHS = ["/slack/commands", "/slack/interactions", "/slack/events"]
BIG = 2 ** 40
LONG = "C" * 5000


def _raw(client, path, body: bytes, headers, content_type="application/x-www-form-urlencoded"):
    return client.post(path, data=body, content_type=content_type, headers=headers)


@pytest.mark.parametrize("timestamp", ["²", "1" * 5000, "-1", "+170000", " 17", "1e9", "١٢٣", "0x10", "9" * 30])
@pytest.mark.parametrize("path", PATHS)
def test_odd_timestamps_are_a_401_with_one_log_line(client, slack_api, caplog, path, timestamp):
    body = b"command=%2Fincident&text=ping"
    with caplog.at_level(logging.INFO):
        response = _raw(client, path, body, {"X-Slack-Request-Timestamp": timestamp,
                                             "X-Slack-Signature": "v0=" + "0" * 64})
    assert response.status_code == 401
    assert [r for r in caplog.records if r.name == "relay.slack"] and len(
        [r for r in caplog.records if r.name == "relay.slack"]) == 1
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("signature", ["", "v0=", "v0=" + "é" * 64, "x" * 5000, "v1=abc"])
def test_odd_signatures_are_a_401(client, slack_api, signature):
    response = _raw(client, "/slack/commands", b"text=ping",
                    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": signature})
    assert response.status_code == 401


@pytest.mark.parametrize("path", PATHS)
def test_unsigned_non_utf8_junk_is_a_401(client, slack_api, path):
    response = _raw(client, path, b"\xff\xfe\x00junk", {})
    assert response.status_code == 401


def _signed_raw(client, path, body: bytes, content_type="application/x-www-form-urlencoded"):
    import hashlib
    import hmac
    from tests.slack.conftest import SECRET
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return _raw(client, path, body, {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"},
                content_type)


@pytest.mark.parametrize("path,content_type", [("/slack/commands", "application/x-www-form-urlencoded"),
                                               ("/slack/interactions", "application/x-www-form-urlencoded"),
                                               ("/slack/events", "application/json")])
@pytest.mark.parametrize("body", [b"\xff\xfe\x00junk", b"payload=%FF%FE", b"command=%2Fincident&text=%FF",
                                  b"payload=" + "é".encode("latin-1"), b'{"type": "event_callback", "x": "\xff"}'])
def test_signed_non_utf8_bodies_get_a_clear_answer(client, slack_api, db, path, content_type, body):
    response = _signed_raw(client, path, body, content_type)
    assert response.status_code in (200, 400)


COMMAND_SHAPES = [
    {"command": "/incident", "text": "ping", "user_id": "U" * 5000, "channel_id": LONG},
    {"command": "/incident", "trigger_id": "T" * 5000, "channel_id": LONG},
    {"command": "/new-ticket", "trigger_id": "T1", "channel_id": LONG},
    {"command": "/system-tickets", "text": f"campaign:{'x' * 5000}", "user_id": "UALICE", "trigger_id": "T1"},
    {"command": "/agent-tickets", "user_id": str(BIG), "trigger_id": "T1"},
    {"command": "/ticket-summary", "user_id": "", "trigger_id": "T1"},
    {"command": "/incident" * 500},
]


@pytest.mark.parametrize("form", COMMAND_SHAPES)
def test_odd_commands_get_a_clear_answer(slack, people, form):
    response = slack.post("/slack/commands", urlencode(form))
    assert response.status_code in (200, 400)


def _submission(callback, values, user=None, metadata="", view_id="V1"):
    return {"type": "view_submission", "user": {"id": "UBOB"} if user is None else user,
            "view": {"id": view_id, "callback_id": callback, "private_metadata": metadata,
                     "state": {"values": values}}}


INTERACTION_SHAPES = [
    {"type": "block_actions", "user": {"id": "UBOB"},
     "actions": [{"action_id": "incident.assign_me", "value": json.dumps({"n": BIG})}]},
    {"type": "block_actions", "user": {"id": "UBOB"},
     "actions": [{"action_id": "ticket.close", "value": json.dumps({"n": -BIG, "from": "open"})}]},
    {"type": "block_actions", "user": {"id": "UBOB"},
     "actions": [{"action_id": "ticket.assign_me", "value": json.dumps({"n": "1" * 5000})}]},
    {"type": "block_actions", "user": {"id": "UBOB"},
     "actions": [{"action_id": "incident.transition.resolved", "value": json.dumps({"n": 1, "to": {"a": 1}, "from": [1]})}]},
    {"type": "block_actions", "user": {"id": "UBOB"},
     "actions": [{"action_id": "ticket.reopen", "value": json.dumps({"n": 1.5e300})}]},
    {"type": "block_actions", "user": {"id": "UBOB"}, "channel": "CSTRING", "response_url": {"x": 1},
     "actions": [{"action_id": "ticket.close", "value": json.dumps({"n": 1, "from": "open"})}]},
    {"type": "block_actions", "user": {"id": "UBOB"}, "channel": {"id": LONG}, "response_url": 7,
     "actions": [{"action_id": "ticket.close", "value": json.dumps({"n": 1, "from": "open"})}]},
    {"type": "block_actions", "user": {"id": {"id": "UBOB"}}, "actions": [{"action_id": "ticket.close", "value": "{}"}]},
    {"type": "block_actions", "user": {"id": "UBOB"}, "actions": {"action_id": "ticket.close"}},
    {"type": "block_actions", "user": {"id": "UBOB"}, "actions": [{"action_id": ["x"], "value": 5}]},
    {"type": ["view_submission"], "user": {"id": "UBOB"}},
    {"type": "view_submission", "user": "UBOB", "view": {}},
    _submission("incident.declare", {"title": text_value("x"), "severity": select_value("sev2"),
                                      "product_area": select_value(str(BIG))}),
    _submission("incident.declare", {"title": text_value({"a": 1}), "severity": select_value(["sev2"])}),
    _submission("incident.declare", {"title": {"value": {"type": "plain_text_input", "value": 5}}}),
    _submission("incident.declare", {"title": text_value("x"), "commander": {"value": {
        "type": "users_select", "selected_user": {"id": "U1"}}}}),
    _submission("incident.declare", {"title": text_value("x" * 100000)}),
    _submission("incident.declare", {"title": text_value("x")}, view_id={"id": 1}),
    _submission("ticket.create", {"title": text_value("t"), "campaign": select_value(str(-BIG)),
                                  "issue_type": select_value("1" * 400)}),
    _submission("ticket.create", {"title": text_value("t"), "screenshot": {"value": {
        "type": "file_input", "files": [{"id": {"x": 1}}, "F1", 7]}}}),
    _submission("ticket.create", {"title": text_value("t"), "priority": select_value("urgent" * 1000)}),
    _submission("ticket.reassign", {"assignee": {"value": {"type": "users_select", "selected_user": LONG}}},
                metadata=json.dumps({"n": BIG})),
    _submission("ticket.reassign", {}, metadata=json.dumps([1])),
    _submission("ticket.resolve", {"notes": text_value("done")}, metadata=json.dumps({"n": {"x": 1}})),
    _submission("ticket.resolve", {"notes": text_value("done")}, metadata=123),
    {"type": "block_actions", "user": {"id": "UMIA"},
     "actions": [{"action_id": "ticket.escalate", "value": json.dumps({"n": BIG})}]},
    {"type": "block_actions", "user": {"id": "UMIA"}, "actions": [{"action_id": "ticket.escalate", "value": "[]"}]},
    _submission("ticket.escalate", {"reason": text_value("x" * 100000), "steps": select_value("raise")},
                user={"id": "UMIA"}, metadata=json.dumps({"n": 1})),
    _submission("ticket.escalate", {"reason": text_value({"a": 1}), "steps": select_value(["raise"])},
                user={"id": "UMIA"}, metadata=json.dumps({"n": 1})),
    _submission("ticket.escalate", {"reason": text_value("Why"), "steps": select_value("raise")},
                user={"id": "UMIA"}, metadata="not json"),
    _submission("ticket.escalate", {"reason": text_value("Why")}, user={"id": "UMIA"}, metadata=json.dumps({"n": BIG})),
]


@pytest.mark.parametrize("payload", INTERACTION_SHAPES)
def test_odd_interactions_get_a_clear_answer(slack, people, db, payload):
    response = slack.interact(payload)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and response.data:
        assert isinstance(response.json, dict)


EVENT_SHAPES = [
    {"type": "event_callback", "event_id": {"x": 1}, "event": {"type": "app_mention", "channel": "C1"}},
    {"type": "event_callback", "event_id": "E1", "event": {"type": ["app_mention"], "channel": "C1"}},
    {"type": "event_callback", "event_id": "E2", "event": {"type": "app_mention", "channel": {"id": "C1"},
                                                           "text": 5, "ts": [1]}},
    {"type": "event_callback", "event_id": "E3", "event": {"type": "app_mention", "channel": LONG, "text": "ping"}},
    {"type": "event_callback", "event_id": "E" * 5000, "event": {"type": "app_mention", "channel": "C1"}},
    {"type": "url_verification", "challenge": {"x": 1}},
    {"type": {"x": 1}},
    {"type": "event_callback", "event_id": BIG, "event": {"type": "app_mention", "channel": "C1",
                                                          "thread_ts": BIG}},
]


@pytest.mark.parametrize("body", EVENT_SHAPES)
def test_odd_events_get_a_clear_answer(slack, db, body):
    response = slack.event(body)
    assert response.status_code in (200, 400)


def test_nothing_half_written_by_odd_shapes(slack, people, db):
    for payload in INTERACTION_SHAPES:
        slack.interact(payload)
    assert db.session.scalar(select(func.count(Incident.id))) == 0
    assert db.session.scalar(select(func.count(Ticket.id))) == 0
