"""What a member sees in Slack: confirmations, notes where they acted, links, field errors, card details."""
import json

from sqlalchemy import select

from app.models import Incident, Priority, Ticket
from app.services import incidents, tickets
from tests.slack.conftest import INCIDENTS_CHANNEL, TICKETS_CHANNEL, deliver_slack, select_value, text_value, user_value


def _ticket_values(title="Refund stuck", priority="high"):
    return {"title": text_value(title), "priority": select_value(priority), "details": text_value("Order 42")}


def _declare(slack, user="UALICE", channel="", commander=None, view_id="V1"):
    values = {"title": text_value("Checkout is down"), "severity": select_value("sev2"),
              "commander": user_value(commander)}
    return slack.interact({"type": "view_submission", "user": {"id": user},
                           "view": {"id": view_id, "callback_id": "incident.declare", "private_metadata": channel,
                                    "state": {"values": values}}})


def _dms_to(slack_api, user_id):
    return [c for c in slack_api.calls_to("chat.postMessage") if c["channel"] == user_id]


def test_new_ticket_is_confirmed_privately_with_number_fields_link_and_screenshot(slack, slack_api, people, db):
    slack_api.add_file("F1", "shot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    values = {**_ticket_values(), "screenshot": {"value": {"type": "file_input", "files": [{"id": "F1"}]}}}
    assert slack.submit("UALICE", "ticket.create", values).status_code == 200
    deliver_slack()
    ticket = db.session.scalar(select(Ticket))
    (dm,) = _dms_to(slack_api, "UALICE")
    raw = json.dumps(dm["blocks"])
    assert ticket.reference in dm["text"] and f"/tickets/{ticket.number}" in raw
    assert "High" in raw and "Order 42" in raw
    assert {"type": "image", "slack_file": {"id": "F1"}} .items() <= next(
        b for b in dm["blocks"] if b["type"] == "image").items()


def test_a_web_ticket_sends_no_slack_confirmation(slack_api, people, db):
    tickets.create_ticket(people["alice"], title="From the web")
    deliver_slack()
    assert _dms_to(slack_api, "UALICE") == []


def test_new_tickets_alert_the_admin_channel(app, slack, slack_api, people, db):
    app.config["SLACK_ADMIN_CHANNEL"] = "CADMINS"
    slack_api.known_channels.add("CADMINS")
    tickets.create_ticket(people["alice"], title="Refund <!everyone> stuck", priority="critical")
    deliver_slack()
    (alert,) = [c for c in slack_api.calls_to("chat.postMessage") if c["channel"] == "CADMINS"]
    ticket = db.session.scalar(select(Ticket))
    assert ticket.reference in alert["text"] and ":red_circle:" in alert["text"]
    assert "<!everyone>" not in alert["text"]


def test_incident_run_in_a_channel_posts_a_note_there_linking_to_its_channel(slack, slack_api, people, db):
    slack_api.known_channels.add("CWHERE")
    assert _declare(slack, channel="CWHERE").status_code == 200
    deliver_slack()
    (created,) = slack_api.succeeded("conversations.create")
    channel_id = next(cid for cid, c in slack_api.channels.items() if c["name"] == created["name"])
    (note,) = [c for c in slack_api.calls_to("chat.postMessage") if c["channel"] == "CWHERE"]
    assert f"<#{channel_id}>" in note["text"] and "INC-" in note["text"] and "<@UALICE>" in note["text"]


def test_incident_from_a_direct_message_or_without_a_channel_posts_no_note(slack, slack_api, people, db):
    _declare(slack, channel="DDIRECT", view_id="V1")
    _declare(slack, channel="", view_id="V2")
    deliver_slack()
    posted = {c["channel"] for c in slack_api.calls_to("chat.postMessage")}
    assert "DDIRECT" not in posted and "" not in posted


def test_the_first_headline_links_to_the_incident_channel(slack_api, people, db):
    incidents.declare_incident(people["alice"], title="Checkout is down", severity="sev2")
    deliver_slack()
    channel_id = next(iter(slack_api.channels))
    (headline,) = [c for c in slack_api.calls_to("chat.postMessage") if c["channel"] == INCIDENTS_CHANNEL]
    assert f"<#{channel_id}>" in headline["text"]
    assert "incident-channel" not in json.dumps(headline)


def test_a_headline_without_its_channel_says_nothing_odd(slack_api, people, db):
    slack_api.fail("conversations.create", "restricted_action")
    incidents.declare_incident(people["alice"], title="Checkout is down", severity="sev2")
    deliver_slack()
    (headline,) = [c for c in slack_api.calls_to("chat.postMessage") if c["channel"] == INCIDENTS_CHANNEL]
    assert "incident-channel" not in json.dumps(headline) and "<#" not in headline["text"]


def test_a_commander_slack_cannot_find_is_reported_on_the_commander_field(slack, slack_api, people, db):
    people["alice"].slack_user_id = "UALICE"
    db.session.commit()
    response = _declare(slack, commander="UGHOST")
    errors = response.json["errors"]
    assert set(errors) == {"commander"}
    assert "user_not_found" in errors["commander"] and "you up" not in errors["commander"]
    assert db.session.scalar(select(Incident)) is None


def test_ticket_cards_show_priority_colour_and_dates_in_the_readers_terms(slack_api, people, db):
    ticket = tickets.create_ticket(people["alice"], title="Refund stuck", priority="critical")
    deliver_slack()
    key = next(k for k in slack_api.messages if k[0] == TICKETS_CHANNEL)
    raw = json.dumps(slack_api.messages[key]["blocks"])
    assert ":red_circle: Critical" in raw
    assert "<!date^" in raw and "{date_long_pretty}" in raw
    stamp = int(ticket.created_at.replace(tzinfo=__import__("datetime").timezone.utc).timestamp())
    assert f"<!date^{stamp}^" in raw


def test_priority_markers_follow_the_web_colours():
    from app.blocks.tickets import PRIORITY_MARK

    assert PRIORITY_MARK[Priority.CRITICAL] == ":red_circle:"
    assert PRIORITY_MARK[Priority.HIGH] == ":large_yellow_circle:"
    assert PRIORITY_MARK[Priority.MEDIUM] == ":large_blue_circle:"
