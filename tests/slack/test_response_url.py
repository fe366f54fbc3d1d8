"""Relay posts to a response_url only on Slack's hosts (SLACK_RESPONSE_URL_HOSTS); the rest is refused and logged."""
import json
import logging

import pytest
from sqlalchemy import select

from app.models import Delivery, DeliveryState
from app.notifications.slack.client import response_url_allowed
from tests.slack.conftest import deliver_slack


@pytest.mark.parametrize("url,allowed", [
    ("https://hooks.slack.com/actions/T1/1/abc", True),
    ("http://hooks.slack.com/actions/T1/1/abc", False),
    ("https://hooks.slack.com.evil.example/x", False),
    ("https://evil.example/hooks.slack.com", False),
    ("https://user:pw@hooks.slack.com/x", False),
    ("https://[::1/x", False),
    ("http://169.254.169.254/latest/meta-data", False),
    ({"url": "https://hooks.slack.com"}, False),
    ("https://hooks.slack.com/" + "x" * 5000, False),
    (None, False),
])
def test_only_slacks_hosts(app, url, allowed):
    app.config["SLACK_RESPONSE_URL_HOSTS"] = "hooks.slack.com"
    assert response_url_allowed(url) is allowed


def test_a_button_with_a_foreign_response_url_is_answered_in_the_channel(slack, slack_api, people, factory, db,
                                                                         caplog):
    incident = factory.incident(reporter=people["alice"])
    with caplog.at_level(logging.WARNING, logger="relay.slack"):
        response = slack.interact({
            "type": "block_actions", "user": {"id": "UALICE"}, "channel": {"id": "CSOMEWHERE"},
            "response_url": "http://169.254.169.254/latest/meta-data",
            "actions": [{"action_id": "incident.assign_me", "value": json.dumps({"n": incident.number})}]})
    assert response.status_code == 200
    assert any("response_url" in r.getMessage() for r in caplog.records)
    deliver_slack()
    assert slack_api.calls_to("response_url") == []
    (note,) = slack_api.calls_to("chat.postEphemeral")
    assert note["channel"] == "CSOMEWHERE" and note["user"] == "UALICE"


def test_the_worker_refuses_a_queued_foreign_response_url(app, slack_api, db):
    from app.outbox import enqueue

    enqueue("slack", "ephemeral", "UALICE", {"op": "ephemeral", "text": "hi", "user": "UALICE", "channel": "C1",
                                            "response_url": "https://evil.example/steal"}, dedup_key="x")
    db.session.commit()
    deliver_slack()
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state == DeliveryState.FAILED
    assert slack_api.calls == []
