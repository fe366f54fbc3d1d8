"""Escalating from a customer's Slack channel: @Relay escalate, /incident escalate, /incident link, Check status."""
import json

import pytest
from sqlalchemy import select

from app.models import Delivery, Incident, Role, SlackChannelLink, Source, User
from app.services import escalations, pagerduty_settings
from app.services.core.errors import DomainError, Forbidden, ValidationError
from app.models.base import utcnow
from app.outbox.delivery import deliver_due
from tests.pagerduty.conftest import ACME_CHANNEL, GLOBEX_CHANNEL, UNLINKED_CHANNEL, WEBHOOK_SECRET, deliver_slack
from tests.pagerduty_standin import occurred, webhook_body, webhook_headers

MENTION_TS = "1700000000.000100"


def mention(slack, text, user="UCARL", channel=ACME_CHANNEL, event_id="Ev1", ts=MENTION_TS):
    return slack.event({"type": "event_callback", "event_id": event_id, "team_id": "T1", "event": {
        "type": "app_mention", "user": user, "text": f"<@UBOT> {text}", "ts": ts, "channel": channel}})


def posts_in(slack_api, channel):
    return [args for args in slack_api.succeeded("chat.postMessage") if args.get("channel") == channel]


def incidents_of(db, org):
    return db.session.scalars(select(Incident).where(Incident.org_id == org.id)).all()


def test_a_new_member_escalates_in_acmes_channel(db, pd_api, slack, slack_api, world):
    response = mention(slack, "escalate API is returning 500 errors\nsince 09:00, all regions", user="UNEWACME")
    assert response.status_code == 200
    (incident,) = incidents_of(db, world["acme"])
    nina = db.session.scalar(select(User).where(User.email == "newbie@acme.example"))
    assert nina.org_id == world["acme"].id and nina.role == Role.REPORTER  # a reporter of Acme, not the provider
    assert incident.reporter_id == nina.id and incident.title == "API is returning 500 errors"
    assert "all regions" in incident.description and incident.severity.value == "sev2"
    deliver_slack()
    (trigger,) = pd_api.accepted("trigger")
    assert trigger["dedup_key"] == incident.reference
    assert trigger["payload"]["custom_details"]["organization"] == "Acme Corp"
    assert trigger["payload"]["custom_details"]["slack_channel"] == ACME_CHANNEL
    (confirmation,) = posts_in(slack_api, ACME_CHANNEL)
    assert confirmation["thread_ts"] == MENTION_TS
    assert incident.reference in confirmation["text"]
    buttons = [e for b in confirmation["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Check status", "Open in Relay"]
    assert json.loads(buttons[0]["value"]) == {"n": incident.number}
    assert "paged through PagerDuty" in json.dumps(confirmation["blocks"])
    assert posts_in(slack_api, GLOBEX_CHANNEL) == []


def test_the_same_mention_delivered_twice_escalates_once(db, slack, world):
    assert mention(slack, "escalate Login broken", event_id="EvSame").status_code == 200
    assert mention(slack, "escalate Login broken", event_id="EvSame").json == {"ok": True, "duplicate": True}
    assert len(incidents_of(db, world["acme"])) == 1


def test_slash_command_escalate_answers_privately_and_confirms_in_the_channel(db, slack, slack_api, world):
    response = slack.command("/incident", "escalate Checkout is down", user_id="UCARL", channel_id=ACME_CHANNEL)
    (incident,) = incidents_of(db, world["acme"])
    assert response.json["response_type"] == "ephemeral"
    assert f"Escalated as {incident.reference}; on-call is being paged" in response.json["text"]
    deliver_slack()
    (confirmation,) = posts_in(slack_api, ACME_CHANNEL)
    assert confirmation.get("thread_ts") is None and "Checkout is down" in confirmation["text"]


@pytest.mark.parametrize("channel, user, text, message", [
    (UNLINKED_CHANNEL, "UCARL", "escalate Site down", "This channel is not linked to an organization"),
    (ACME_CHANNEL, "UGINA", "escalate Site down", "belongs to another organization"),
    (ACME_CHANNEL, "UCARL", "escalate", "Say what is wrong"),
    (ACME_CHANNEL, "UCARL", "escalate    ", "Say what is wrong"),
    (ACME_CHANNEL, "UCARL", "escalate bad \x00 byte", "must not contain control characters"),
    (ACME_CHANNEL, "UCARL", "escalate " + "x" * 20_001, "at most 20000 characters"),
])
def test_refused_escalations_are_explained_privately_and_record_nothing(db, slack, slack_api, world, channel, user,
                                                                         text, message):
    assert slack.command("/incident", text, user_id=user, channel_id=channel).json["text"].find(message) >= 0
    assert mention(slack, text, user=user, channel=channel, event_id=f"Ev-{len(text)}-{user}").status_code == 200
    assert db.session.scalar(select(Incident.id)) is None
    deliver_slack()
    notes = [args for args in slack_api.succeeded("chat.postEphemeral")]
    assert notes and message.replace("\x00", "") in notes[-1]["text"] and notes[-1]["user"] == user


def test_user_text_is_escaped_in_the_confirmation(db, slack, slack_api, world):
    mention(slack, "escalate <!channel> everyone look at <https://evil.example|this>")
    deliver_slack()
    (confirmation,) = posts_in(slack_api, ACME_CHANNEL)
    assert "<!channel>" not in json.dumps(confirmation) and "&lt;!channel&gt;" in json.dumps(confirmation)


def test_ping_and_help_by_mention(slack, slack_api, world):
    mention(slack, "ping", event_id="Ev-ping")
    mention(slack, "help", event_id="Ev-help")
    mention(slack, "what can you do", event_id="Ev-other")
    deliver_slack()
    texts = [args["text"] for args in posts_in(slack_api, ACME_CHANNEL)]
    assert texts[0] == "pong" and "escalate" in texts[1] and texts[1] == texts[2]


def test_provider_admins_link_a_channel_with_a_command(db, slack, slack_api, world):
    form = {"user_id": "UADA", "channel_id": "CNEWCUST1"}
    response = slack.command("/incident", "link globex", **form)
    assert "now belongs to Globex" in response.json["text"]
    assert db.session.scalar(select(SlackChannelLink.org_id).where(SlackChannelLink.channel_id == "CNEWCUST1")) == \
        world["globex"].id
    assert "No organization has that name" in slack.command("/incident", "link Initech", **form).json["text"]
    assert "Say which organization" in slack.command("/incident", "link", **form).json["text"]
    for user in ("UCARL", "UBOB"):
        refused = slack.command("/incident", "link acme", user_id=user, channel_id="CNEWCUST1").json["text"]
        assert "Only the provider's admins" in refused
    assert db.session.scalar(select(SlackChannelLink.org_id).where(SlackChannelLink.channel_id == "CNEWCUST1")) == \
        world["globex"].id


def answers(slack_api):
    return [c.args for c in slack_api.calls if c.method == "response_url"]


def test_check_status_answers_at_once_from_the_record_then_asks_pagerduty(client, db, pd_api, slack, slack_api,
                                                                          world):
    mention(slack, "escalate Payments failing")
    deliver_slack()
    (incident,) = incidents_of(db, world["acme"])
    pd_incident = pd_api.incident_for(incident.reference)
    pd_incident["status"] = "acknowledged"
    pd_api.assign(pd_incident["id"], "PBOB001")
    response = slack.press("UCARL", "pagerduty.check_status", json.dumps({"n": incident.number}), channel=ACME_CHANNEL)
    assert response.status_code == 200 and response.data == b""
    assert deliver_due(now=utcnow()) == 1 and pd_api.rest_calls == []  # Relay's answer, before anyone asks PagerDuty
    first = answers(slack_api)[-1]
    assert first["response_type"] == "ephemeral"
    assert f"{incident.reference} in Relay: Detected · SEV2 · assigned to nobody" in first["text"]
    assert "PagerDuty has not reported on it yet" in first["text"] and "Asking PagerDuty" in first["text"]
    deliver_slack()  # the fresh look-up follows
    assert any("incident_key=" + incident.reference in call for call in pd_api.rest_calls)
    answer = answers(slack_api)[-1]
    assert "*Acknowledged*" in answer["text"] and "Bob Responder" in answer["text"]
    assert answer["response_type"] == "ephemeral"

    # What PagerDuty's webhooks said is part of the answer at once.
    body = webhook_body("incident.acknowledged", pd_incident, occurred_at=occurred())
    assert client.post(f"/pagerduty/webhooks/{world['provider'].slug}", data=body,
                       headers=webhook_headers(body, [WEBHOOK_SECRET])).status_code == 202
    deliver_slack()
    slack.press("UCARL", "pagerduty.check_status", json.dumps({"n": incident.number}), channel=ACME_CHANNEL)
    deliver_due(now=utcnow())
    now = answers(slack_api)[-1]["text"]
    assert "in Relay: Investigating" in now and "assigned to Bob Responder" in now
    assert "PagerDuty last said: acknowledged, assigned to Bob Responder" in now
    deliver_slack()

    # Someone who may not see the incident is told it is not found; Globex learns nothing.
    slack.press("UGINA", "pagerduty.check_status", json.dumps({"n": incident.number}), channel=GLOBEX_CHANNEL)
    deliver_slack()
    answer = answers(slack_api)[-1]
    assert "was not found" in answer["text"] and "Payments" not in answer["text"]
    assert "Investigating" not in answer["text"] and "Bob" not in answer["text"]


def test_without_a_rest_key_check_status_answers_from_the_record_only(db, pd_api, slack, slack_api, world):
    mention(slack, "escalate Logins slow")
    deliver_slack()
    pagerduty_settings.save_integration(world["admin"], world["provider"].id, clear_rest_token=True,
                                        service_ids="PPROVID")
    (incident,) = incidents_of(db, world["acme"])
    slack.press("UCARL", "pagerduty.check_status", json.dumps({"n": incident.number}), channel=ACME_CHANNEL)
    deliver_slack()
    assert pd_api.rest_calls == [] and len(answers(slack_api)) == 1
    assert "Paged; PagerDuty has not reported on it yet." in answers(slack_api)[0]["text"]


def test_check_status_when_pagerduty_is_down_or_the_incident_was_not_paged(db, factory, pd_api, slack, slack_api,
                                                                           world):
    mention(slack, "escalate Search slow")
    deliver_slack()
    (incident,) = incidents_of(db, world["acme"])
    pd_api.fail("rest", 503)
    slack.press("UCARL", "pagerduty.check_status", json.dumps({"n": incident.number}), channel=ACME_CHANNEL)
    deliver_slack()
    answer = [c.args for c in slack_api.calls if c.method == "response_url"][-1]
    assert "did not tell Relay the status" in answer["text"]
    quiet = factory.incident(reporter=world["carl"])
    slack.press("UCARL", "pagerduty.check_status", json.dumps({"n": quiet.number}), channel=ACME_CHANNEL)
    deliver_slack()
    answer = [c.args for c in slack_api.calls if c.method == "response_url"][-1]
    assert "was not paged through PagerDuty" in answer["text"]


def test_check_status_with_a_forged_button_value_is_a_bad_request(slack, world):
    for value in ("{}", '{"n": -1}', "not json", '{"n": 99999999999}'):
        assert slack.press("UCARL", "pagerduty.check_status", value).status_code == 400


def test_escalate_without_paging_still_records_the_incident(db, slack, slack_api, world):
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, paging_enabled=False)
    response = slack.command("/incident", "escalate Reports empty", user_id="UCARL", channel_id=ACME_CHANNEL)
    assert "PagerDuty paging is not set up" in response.json["text"]
    deliver_slack()
    assert db.session.scalar(select(Delivery.id).where(Delivery.channel == "pagerduty")) is None
    (confirmation,) = posts_in(slack_api, ACME_CHANNEL)
    assert "paging is not set up" in json.dumps(confirmation["blocks"])


def test_the_service_refuses_the_same_way_for_every_front(world):
    with pytest.raises(DomainError, match="not linked"):
        escalations.escalate(world["carl"], UNLINKED_CHANNEL, "Down")
    with pytest.raises(Forbidden):
        escalations.escalate(world["gina"], ACME_CHANNEL, "Down")
    with pytest.raises(ValidationError):
        escalations.escalate(world["carl"], ACME_CHANNEL, None)
    # Provider staff may escalate for a customer in the customer's channel.
    assert escalations.escalate(world["bob"], ACME_CHANNEL, "Seen from our side", source=Source.SLACK) \
        .incident.org_id == world["acme"].id


def test_a_refused_page_is_said_in_the_escalations_thread(db, pd_api, slack, slack_api, world):
    pagerduty_settings.save_integration(world["admin"], world["provider"].id, routing_keys_text="Z" * 32,
                                        service_ids="PPROVID")
    mention(slack, "escalate Everything is slow")
    deliver_slack()
    thread = [a["text"] for a in posts_in(slack_api, ACME_CHANNEL) if a.get("thread_ts") == MENTION_TS]
    assert any("could not be sent to PagerDuty" in text for text in thread)
    assert any("PagerDuty refused the trigger" in a["text"] for a in slack_api.succeeded("chat.postMessage"))
    assert posts_in(slack_api, GLOBEX_CHANNEL) == []


def test_once_a_channel_is_unlinked_or_moved_its_earlier_escalations_stay_quiet_there(db, slack, slack_api, world):
    from app.services import channel_links, incidents

    mention(slack, "escalate Webhooks delayed")
    deliver_slack()
    (incident,) = incidents_of(db, world["acme"])
    channel_links.link_channel(world["admin"], ACME_CHANNEL, world["globex"].slug)  # the channel changes hands
    incidents.transition_incident(world["bob"], incident.number, "investigating")
    deliver_slack()
    assert len(posts_in(slack_api, ACME_CHANNEL)) == 1  # the confirmation only


@pytest.mark.parametrize("event", [
    {"type": "app_mention", "user": "UCARL", "text": 42, "ts": MENTION_TS, "channel": ACME_CHANNEL},
    {"type": "app_mention", "user": None, "text": "<@UBOT> escalate Down", "ts": MENTION_TS, "channel": ACME_CHANNEL},
    {"type": "app_mention", "user": "UCARL", "text": "<@UBOT> escalate Down", "ts": "not-a-ts", "channel": "c<x>"},
    {"type": "app_mention", "user": ["UCARL"], "text": "<@UBOT> escalate Down", "channel": ACME_CHANNEL},
    {"type": "app_mention", "user": "U" * 40, "text": "<@UBOT> escalate Down", "channel": ACME_CHANNEL},
    {"type": "app_mention", "user": "UNOBODY", "text": "<@UBOT> escalate Down", "channel": ACME_CHANNEL},
])
def test_odd_mentions_never_fail_and_record_nothing(db, slack, world, event):
    response = slack.event({"type": "event_callback", "event_id": f"Ev-odd-{id(event)}", "event": event})
    assert response.status_code == 200
    assert db.session.scalar(select(Incident.id)) is None
