"""Incidents from Slack: the modal, its validation, people, buttons, and what refuses politely."""
import json

import pytest
from sqlalchemy import func, select

from app.models import Delivery, Incident, IncidentStatus, Role, Source, User
from app.services import audit
from tests.slack.conftest import deliver_slack, select_value, text_value, user_value


def declare_values(title="Checkout is down", severity="sev2", area=None, commander=None):
    return {"title": text_value(title), "description": text_value("Card payments fail"),
            "severity": select_value(severity), "product_area": select_value(str(area.id) if area else None),
            "commander": user_value(commander)}


def test_incident_command_opens_the_modal(slack, slack_api, people):
    response = slack.command("/incident", trigger_id="T-42")
    assert response.status_code == 200 and response.data == b""
    (call,) = slack_api.calls_to("views.open")
    assert call["trigger_id"] == "T-42"
    assert call["view"]["callback_id"] == "incident.declare"
    blocks = {b["block_id"]: b for b in call["view"]["blocks"]}
    assert set(blocks) == {"title", "description", "severity", "product_area", "commander"}
    assert [o["text"]["text"] for o in blocks["product_area"]["element"]["options"]] == ["Payments"]
    assert blocks["commander"]["element"]["type"] == "users_select"


def test_an_expired_trigger_is_explained(slack, slack_api, people):
    slack_api.fail("views.open", "expired_trigger_id")
    response = slack.command("/incident")
    assert "too little time" in response.json["text"]
    assert response.json["response_type"] == "ephemeral"


@pytest.mark.parametrize("text,expected", [("help", "/new-ticket"), ("frobnicate", "I do not know"),
                                           ("ping", "pong")])
def test_help_unknown_and_ping(slack, slack_api, text, expected):
    response = slack.command("/incident", text)
    assert expected in response.json["text"]
    assert slack_api.calls == []


def test_submitting_declares_the_incident(slack, people, db):
    response = slack.submit("UALICE", "incident.declare",
                            declare_values(area=people["area"], commander="UBOB"))
    assert response.status_code == 200
    incident = db.session.scalar(select(Incident))
    assert (incident.title, incident.severity.value) == ("Checkout is down", "sev2")
    assert incident.reporter == people["alice"] and incident.commander == people["bob"]
    assert incident.product_area == people["area"]
    assert audit.timeline("incident", incident.id)[0].source == Source.SLACK
    assert people["alice"].slack_user_id == "UALICE"  # linked by email the first time


@pytest.mark.parametrize("values,block,message", [
    (declare_values(title=""), "title", "Title is required"),
    (declare_values(title="x" * 201), "title", "at most 200"),
    (declare_values(severity="sev9"), "severity", "must be one of"),
    (declare_values(commander="UALICE"), "commander", "responder"),
    (declare_values(commander="USTRANGER"), "commander", "no Relay account"),
])
def test_invalid_input_is_shown_on_the_modal_fields(slack, people, slack_api, db, values, block, message):
    slack_api.add_user("USTRANGER", "stranger@elsewhere.example", "Stranger")
    response = slack.submit("UALICE", "incident.declare", values)
    assert response.json["response_action"] == "errors"
    assert message in response.json["errors"][block]
    assert db.session.scalar(select(func.count(Incident.id))) == 0


def test_a_retried_submission_declares_once(slack, people, db):
    for _ in range(3):
        assert slack.submit("UALICE", "incident.declare", declare_values(), view_id="VSAME").status_code == 200
    assert db.session.scalar(select(func.count(Incident.id))) == 1


def test_an_unknown_member_becomes_a_reporter_in_the_provider_org(slack, slack_api, people, db, factory, app):
    app.config["SLACK_ADMIN_CHANNEL"] = "CGENERAL"
    slack_api.add_user("UNEW", "newcomer@example.com", "New Comer")
    slack.submit("UNEW", "incident.declare", declare_values())
    user = db.session.scalar(select(User).where(User.slack_user_id == "UNEW"))
    assert (user.email, user.display_name, user.role) == ("newcomer@example.com", "New Comer", Role.REPORTER)
    assert user.org == factory.provider()
    assert not user.check_password("")
    assert db.session.scalar(select(Incident)).reporter == user
    deliver_slack()
    notice = next(p for p in slack_api.calls_to("chat.postMessage") if p["channel"] == "CGENERAL")
    assert "<@UNEW>" in notice["text"] and "reporter account" in notice["text"]


def test_a_deactivated_account_cannot_declare(slack, people, db):
    people["alice"].active = False
    db.session.commit()
    response = slack.submit("UALICE", "incident.declare", declare_values())
    assert "deactivated" in response.json["errors"]["title"]
    assert db.session.scalar(select(func.count(Incident.id))) == 0


def press_transition(slack, user, incident, source, target):
    value = json.dumps({"n": incident.number, "from": source, "to": target})
    return slack.press(user, f"incident.transition.{target}", value)


def test_a_button_pressed_by_someone_not_allowed(slack, slack_api, people, factory, db):
    incident = factory.incident(reporter=people["alice"])
    slack_api.calls.clear()
    response = press_transition(slack, "UALICE", incident, "detected", "investigating")
    assert response.status_code == 200
    deliver_slack()
    db.session.refresh(incident)
    assert incident.status == IncidentStatus.DETECTED
    (note,) = slack_api.calls_to("response_url")
    assert "permission" in note["text"] and note["response_type"] == "ephemeral"


def test_a_manager_only_move_refused_for_a_responder(slack, slack_api, people, factory, db):
    incident = factory.incident(reporter=people["alice"])
    press_transition(slack, "UBOB", incident, "detected", "closed")
    deliver_slack()
    assert "manager" in slack_api.calls_to("response_url")[0]["text"]
    db.session.refresh(incident)
    assert incident.status == IncidentStatus.DETECTED


def test_a_button_on_a_message_that_moved_on(slack, slack_api, people, factory, db):
    incident = factory.incident(reporter=people["alice"], status=IncidentStatus.MITIGATED)
    press_transition(slack, "UBOB", incident, "detected", "investigating")
    deliver_slack()
    assert "already mitigated" in slack_api.calls_to("response_url")[0]["text"]
    db.session.refresh(incident)
    assert incident.status == IncidentStatus.MITIGATED


def test_assign_to_me(slack, people, factory, db):
    incident = factory.incident(reporter=people["alice"])
    slack.press("UBOB", "incident.assign_me", json.dumps({"n": incident.number}))
    db.session.refresh(incident)
    assert incident.assignee == people["bob"]


def test_another_orgs_incident_is_not_found(slack, slack_api, people, factory, db):
    other = factory.org("Acme")
    incident = factory.incident(org=other)
    slack_api.add_user("UACME", "acme-responder@example.com", "Acme Responder")
    factory.user(Role.RESPONDER, org=other, email="acme-responder@example.com")
    mine = factory.incident(reporter=factory.user(Role.REPORTER, org=factory.org("Beta")))
    press_transition(slack, "UACME", mine, "detected", "investigating")
    deliver_slack()
    assert "was not found" in slack_api.calls_to("response_url")[0]["text"]
    db.session.refresh(incident)
    assert incident.status == IncidentStatus.DETECTED


def test_link_button_presses_are_acknowledged(slack, people):
    assert slack.press("UBOB", "incident.open", "").status_code == 200


def test_mentions_get_help_and_ping_gets_pong(slack, slack_api, db):
    body = {"type": "event_callback", "event_id": "Ev1",
            "event": {"type": "app_mention", "channel": "CGENERAL", "ts": "1.1", "text": "<@UBOT> ping"}}
    assert slack.event(body).json == {"ok": True}
    assert slack.event(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).json[
        "duplicate"]
    slack.event({**body, "event_id": "Ev2", "event": {**body["event"], "text": "<@UBOT> hello"}})
    deliver_slack()
    posts = slack_api.calls_to("chat.postMessage")
    assert [(p["channel"], p["thread_ts"]) for p in posts] == [("CGENERAL", "1.1")] * 2
    assert posts[0]["text"] == "pong" and "/incident" in posts[1]["text"]


def test_nothing_goes_to_slack_when_it_is_not_configured(client, factory, db, login_as):
    client.application.config.update(SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None)
    login_as(factory.user(Role.RESPONDER))
    client.post("/incidents/new", data={"title": "Web only", "severity": "sev3"})
    assert db.session.scalar(select(func.count(Incident.id))) == 1
    assert db.session.scalar(select(func.count(Delivery.id))) == 0


def test_a_slow_slack_is_explained_before_slack_gives_up(slack, slack_api, app):
    app.config["SLACK_REQUEST_TIMEOUT"] = 0.2
    slack_api.delay = 0.6
    response = slack.command("/incident")
    assert "did not answer Relay in time" in response.json["text"]
