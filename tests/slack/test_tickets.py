"""Tickets from Slack: the modal, the card in the tickets channel and its buttons, the lists and counts."""
import json

import pytest
from sqlalchemy import func, select

from app.models import Priority, Role, Source, Ticket, TicketStatus
from app.services import audit, tickets
from tests.slack.conftest import TICKETS_CHANNEL, deliver_slack, select_value, text_value, user_value


def ticket_values(title="Refund stuck", priority="high", campaign=None, details="Order 42"):
    return {"title": text_value(title), "priority": select_value(priority), "details": text_value(details),
            "campaign": select_value(str(campaign.id) if campaign else None)}


def card(slack_api):
    """The ticket card in the tickets channel: (key, buttons)."""
    key = next(k for k in slack_api.messages if k[0] == TICKETS_CHANNEL)
    blocks = slack_api.messages[key]["blocks"]
    return key, [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def press(slack, user, action, ticket, source=None):
    return slack.press(user, action, json.dumps({"n": ticket.number, "from": source or ticket.status.value}))


def refusal(slack_api):
    deliver_slack()
    return slack_api.calls_to("response_url")[-1]["text"]


def test_new_ticket_opens_the_modal(slack, slack_api, people, factory):
    factory.campaign("Spring sale")
    factory.issue_type("Billing")
    factory.campaign("Retired", active=False)
    slack.command("/new-ticket")
    view = slack_api.calls_to("views.open")[0]["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert {"title", "campaign", "issue_type", "priority", "details", "screenshot"} <= set(blocks)
    assert blocks["screenshot"]["element"]["type"] == "file_input"
    assert [o["text"]["text"] for o in blocks["campaign"]["element"]["options"]] == ["Spring sale"]


def test_submitting_raises_the_ticket_and_posts_its_card(slack, slack_api, people, factory, db):
    campaign = factory.campaign("Spring sale")
    response = slack.submit("UALICE", "ticket.create", ticket_values(campaign=campaign))
    assert response.status_code == 200 and response.data == b""
    ticket = db.session.scalar(select(Ticket))
    assert (ticket.title, ticket.priority, ticket.campaign) == ("Refund stuck", Priority.HIGH, campaign)
    assert ticket.reporter == people["alice"]
    assert audit.timeline("ticket", ticket.id)[0].source == Source.SLACK
    deliver_slack()
    key, buttons = card(slack_api)
    assert buttons == ["Assign to me", "Reassign", "Escalate"]
    assert "TCK-1: Refund stuck" in json.dumps(slack_api.messages[key]["blocks"])


@pytest.mark.parametrize("values,block", [(ticket_values(title=""), "title"),
                                          (ticket_values(priority="urgent!"), "priority")])
def test_invalid_ticket_input_is_shown_on_the_fields(slack, people, db, values, block):
    response = slack.submit("UALICE", "ticket.create", values)
    assert block in response.json["errors"]
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_buttons_work_the_ticket_and_update_the_card_in_place(slack, slack_api, people, factory, db):
    ticket = tickets.create_ticket(people["alice"], title="Refund stuck", priority="high")
    deliver_slack()
    key, _ = card(slack_api)
    press(slack, "UBOB", "ticket.assign_me", ticket)
    deliver_slack()
    db.session.refresh(ticket)
    assert (ticket.status, ticket.assignee) == (TicketStatus.IN_PROGRESS, people["bob"])
    assert card(slack_api) == (key, ["Assign to me", "Reassign", "Resolve", "Escalate"])
    assert {(u["channel"], u["ts"]) for u in slack_api.calls_to("chat.update")} == {key}

    press(slack, "UBOB", "ticket.resolve", ticket)
    view = slack_api.calls_to("views.open")[-1]["view"]
    assert view["callback_id"] == "ticket.resolve"
    response = slack.interact({"type": "view_submission", "user": {"id": "UBOB"}, "view": {
        "id": "VR0", "callback_id": "ticket.resolve", "private_metadata": view["private_metadata"],
        "state": {"values": {"notes": text_value("")}}}})
    assert "notes" in response.json["errors"]
    response = slack.interact({"type": "view_submission", "user": {"id": "UBOB"}, "view": {
        "id": "VR1", "callback_id": "ticket.resolve", "private_metadata": view["private_metadata"],
        "state": {"values": {"notes": text_value("Refunded by hand")}}}})
    assert response.status_code == 200 and response.data == b""
    deliver_slack()
    db.session.refresh(ticket)
    assert ticket.status == TicketStatus.RESOLVED
    assert card(slack_api) == (key, ["Assign to me", "Close", "Reopen"])

    press(slack, "UBOB", "ticket.close", ticket)
    assert "manager" in refusal(slack_api)
    press(slack, "UMIA", "ticket.close", ticket)
    deliver_slack()
    db.session.refresh(ticket)
    assert ticket.status == TicketStatus.CLOSED
    assert card(slack_api) == (key, ["Reopen"])
    press(slack, "UBOB", "ticket.close", ticket, source="resolved")
    assert "already closed" in refusal(slack_api)


def test_reassign_opens_a_modal_and_checks_who_may(slack, slack_api, people, db):
    ticket = tickets.create_ticket(people["alice"], title="Refund stuck")
    press(slack, "UALICE", "ticket.reassign", ticket)
    assert "responders" in refusal(slack_api)
    press(slack, "UMIA", "ticket.reassign", ticket)
    view = slack_api.calls_to("views.open")[-1]["view"]
    assert view["callback_id"] == "ticket.reassign"

    def submit(user, view_id, assignee, comment=""):
        return slack.interact({"type": "view_submission", "user": {"id": user}, "view": {
            "id": view_id, "callback_id": "ticket.reassign", "private_metadata": view["private_metadata"],
            "state": {"values": {"assignee": user_value(assignee), "comment": text_value(comment)}}}})

    assert "Only managers" in submit("UBOB", "V1", "UOLGA").json["errors"]["assignee"]
    assert "responder" in submit("UMIA", "V2", "UALICE").json["errors"]["assignee"]
    assert submit("UMIA", "V3", "UOLGA", "Olga knows refunds").data == b""
    db.session.refresh(ticket)
    assert ticket.assignee == people["olga"]
    assert tickets.comments_for(ticket)[0].body == "Olga knows refunds"


def test_a_change_on_the_web_updates_the_card(slack_api, people, db):
    ticket = tickets.create_ticket(people["alice"], title="Refund stuck")
    deliver_slack()
    key, _ = card(slack_api)
    tickets.edit_ticket(people["bob"], ticket.number, title="Refund stuck for order 42", source=Source.WEB)
    deliver_slack()
    assert "order 42" in slack_api.messages[key]["text"]


def test_agent_tickets_lists_mine(slack, slack_api, people, factory):
    tickets.create_ticket(people["alice"], title="Mine")
    tickets.create_ticket(people["bob"], title="Not mine")
    slack.command("/agent-tickets", user_id="UALICE")
    text = json.dumps(slack_api.calls_to("views.open")[-1]["view"])
    assert "Mine" in text and "Not mine" not in text
    assert "ticket.assign_me" not in text  # a reporter gets no buttons they cannot use


def test_system_tickets_is_for_responders_and_filters(slack, slack_api, people, factory):
    spring = factory.campaign("Spring sale")
    tickets.create_ticket(people["alice"], title="Urgent refund", priority="high", campaign_id=spring.id)
    tickets.create_ticket(people["alice"], title="Low thing", priority="low")
    response = slack.command("/system-tickets", user_id="UALICE")
    assert "Only responders" in response.json["text"]
    slack.command("/system-tickets", "high campaign:Spring_sale refund", user_id="UBOB")
    text = json.dumps(slack_api.calls_to("views.open")[-1]["view"])
    assert "Urgent refund" in text and "Low thing" not in text
    assert "ticket.assign_me" in text
    response = slack.command("/system-tickets", "campaign:Nope", user_id="UBOB")
    assert "no campaign called" in response.json["text"]


def test_ticket_summary_counts(slack, people):
    tickets.create_ticket(people["alice"], title="One", priority="critical")
    tickets.create_ticket(people["alice"], title="Two", priority="low")
    assert "Only responders" in slack.command("/ticket-summary", user_id="UALICE").json["text"]
    text = slack.command("/ticket-summary", user_id="UBOB").json["text"]
    assert "Open: *2*" in text and "Critical: *1*" in text and "Urgent and unassigned*: 1" in text


def test_a_retried_ticket_submission_raises_one_ticket(slack, people, db):
    for _ in range(2):
        slack.submit("UALICE", "ticket.create", ticket_values(), view_id="VSAME")
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_unknown_ticket_is_not_found(slack, slack_api, people, factory):
    slack.press("UBOB", "ticket.assign_me", json.dumps({"n": 999, "from": "open"}))
    assert "not found" in refusal(slack_api)


def test_a_reporter_cannot_take_a_ticket(slack, slack_api, people, db):
    ticket = tickets.create_ticket(people["alice"], title="Mine")
    press(slack, "UALICE", "ticket.assign_me", ticket)
    assert "permission" in refusal(slack_api)
    db.session.refresh(ticket)
    assert ticket.assignee is None
    assert Role.REPORTER == people["alice"].role


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def test_a_screenshot_is_fetched_by_the_worker_and_attached(slack, slack_api, people, db):
    from app.services.attachments import attachments_of

    slack_api.add_file("F1", "shot.png", PNG)
    values = {**ticket_values(), "screenshot": {"value": {"type": "file_input", "files": [{"id": "F1"}]}}}
    assert slack.submit("UALICE", "ticket.create", values).data == b""
    ticket = db.session.scalar(select(Ticket))
    assert attachments_of(ticket) == []  # not in the request: the worker fetches it
    deliver_slack()
    (attachment,) = attachments_of(ticket)
    assert (attachment.filename, attachment.size) == ("shot.png", len(PNG))
    assert slack_api.calls_to("files.info") == [{"file": "F1"}]
    assert audit.timeline("ticket", ticket.id)[-1].source == Source.SLACK


def test_a_refused_or_vanished_screenshot_fails_for_good(slack, slack_api, people, db):
    from app.models import Delivery, DeliveryState

    slack.submit("UALICE", "ticket.create",
                 {**ticket_values(), "screenshot": {"value": {"type": "file_input", "files": [{"id": "FGONE"}]}}})
    deliver_slack()
    failed = db.session.scalar(select(Delivery).where(Delivery.kind == "ticket.screenshot"))
    assert failed.state == DeliveryState.FAILED and "file_not_found" in failed.last_error


def test_an_expired_trigger_on_a_button_is_explained(slack, slack_api, people):
    ticket = tickets.create_ticket(people["alice"], title="Refund stuck")
    slack_api.fail("views.open", "expired_trigger_id")
    press(slack, "UMIA", "ticket.reassign", ticket)
    assert "too little time" in refusal(slack_api)
