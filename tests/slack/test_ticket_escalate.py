"""Escalating a ticket by hand: the same rule as incidents, from the service, the web form and the Slack card."""
import json

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Delivery, Priority, Role, TicketStatus
from app.services import sla_policies, tickets
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from app.services.sla_escalation import escalate_ticket
from tests.slack.conftest import TICKETS_CHANNEL, deliver_slack, select_value, text_value


@pytest.fixture
def ticket(db, people):
    policy = sla_policies.ensure_default_policy(manager=people["mia"])
    policy.escalation_user_id = people["olga"].id
    db.session.commit()
    ticket = tickets.create_ticket(people["alice"], title="Invoices <!channel> blank", priority="medium")
    tickets.reassign_ticket(people["mia"], ticket.number, people["bob"].id)
    return ticket


def escalations(db, ticket):
    return db.session.scalars(select(AuditEvent.new_value).where(
        AuditEvent.subject_type == "ticket", AuditEvent.subject_id == ticket.id,
        AuditEvent.action == "escalated")).all()


def mailed(db):
    return sorted(db.session.scalars(select(Delivery.recipient).where(Delivery.kind == "sla.breached",
                                                                      Delivery.channel == "email")).all())


def test_a_manager_raises_the_priority_and_the_escalation_person_and_assignee_hear(db, people, ticket, slack_api):
    _, raised, paged = escalate_ticket(people["mia"], ticket.number, "Biggest <!here> customer", "raise_and_page")
    assert raised and not paged  # no PagerDuty set up: nothing paged, nothing claimed
    assert ticket.priority == Priority.HIGH and escalations(db, ticket) == ["Biggest <!here> customer"]
    edits = db.session.execute(select(AuditEvent.field, AuditEvent.old_value, AuditEvent.new_value).where(
        AuditEvent.subject_id == ticket.id, AuditEvent.subject_type == "ticket", AuditEvent.action == "edited")).all()
    assert edits == [("priority", "Medium", "High")]
    # The policy's manager escalated, so she is not told of her own act; the escalation person and assignee are.
    assert mailed(db) == ["bob@example.com", "olga@example.com"]
    mail = db.session.scalar(select(Delivery).where(Delivery.recipient == "olga@example.com",
                                                    Delivery.kind == "sla.breached"))
    assert "now High (priority raised)" in mail.payload["text"] and "Reason: Biggest <!here> customer" in \
        mail.payload["text"]
    deliver_slack()
    card = next(ts for ts, args in slack_api.posted(TICKETS_CHANNEL) if args["text"].startswith(ticket.reference))
    [line] = [c for c in slack_api.succeeded("chat.postMessage") if c.get("thread_ts") == card]
    assert line["text"] == (f":rotating_light: Mia escalated {ticket.reference} (High) (priority raised): "
                            "Biggest &lt;!here&gt; customer")
    assert "High" in str(slack_api.messages[(TICKETS_CHANNEL, card)]["blocks"])  # the card shows the new priority


def test_critical_stays_critical_and_notify_only_changes_nothing_but_the_timeline(db, people, ticket):
    escalate_ticket(people["mia"], ticket.number, "Step one", "raise")
    escalate_ticket(people["mia"], ticket.number, "Step two", "raise")
    _, raised, _ = escalate_ticket(people["mia"], ticket.number, "Step three", "raise")
    assert not raised and ticket.priority == Priority.CRITICAL
    _, raised, paged = escalate_ticket(people["mia"], ticket.number, "Just so you know", "notify")
    assert (raised, paged) == (False, False) and escalations(db, ticket)[-1] == "Just so you know"


@pytest.mark.parametrize("who", ["alice", "bob"])  # the reporter (her own ticket) and a responder
def test_only_managers_escalate_tickets(db, people, ticket, who):
    with pytest.raises(Forbidden):
        escalate_ticket(people[who], ticket.number, "Please", "raise")
    db.session.rollback()
    assert ticket.priority == Priority.MEDIUM and escalations(db, ticket) == []


def test_another_orgs_ticket_is_not_found_and_a_resolved_one_is_not_escalated(db, factory, people, ticket):
    stranger = factory.user(Role.MANAGER, org=factory.org("Elsewhere"))
    with pytest.raises(NotFound):
        escalate_ticket(stranger, ticket.number, "Mine now", "notify")
    tickets.transition_ticket(people["bob"], ticket.number, TicketStatus.IN_PROGRESS)
    tickets.resolve_ticket(people["bob"], ticket.number, "Done")
    with pytest.raises(InvalidTransition):
        escalate_ticket(people["mia"], ticket.number, "Too late", "raise")


@pytest.mark.parametrize("reason, steps", [("", "raise"), ("   ", "raise"), ("x" * 501, "raise"), ("a\x00b", "raise"),
                                           (None, "raise"), ("\ud800", "raise"), ("Fine", "nuke"),
                                           ("Fine", None), ("Fine", ["raise"])])
def test_bad_escalations_are_refused_and_change_nothing(db, people, ticket, reason, steps):
    with pytest.raises(ValidationError):
        escalate_ticket(people["mia"], ticket.number, reason, steps)
    db.session.rollback()
    assert ticket.priority == Priority.MEDIUM and escalations(db, ticket) == []
    assert db.session.scalar(select(Delivery.id).where(Delivery.kind == "sla.breached")) is None


def test_the_web_form_is_for_managers_and_keeps_a_refused_reason(db, login_as, people, ticket, factory):
    client = login_as(people["bob"])
    assert 'data-testid="escalate"' not in client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert client.post(f"/tickets/{ticket.number}/escalate",
                       data={"reason": "Because", "steps": "raise"}).status_code == 403
    client = login_as(people["mia"])
    assert 'data-testid="escalate"' in client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    page = client.post(f"/tickets/{ticket.number}/escalate", data={"reason": "", "steps": "raise"})
    assert page.status_code == 200 and "This field is required" in page.get_data(as_text=True)
    long = client.post(f"/tickets/{ticket.number}/escalate", data={"reason": "y" * 5000, "steps": "raise"})
    assert long.status_code == 200 and "y" * 5000 in long.get_data(as_text=True)  # kept, with the error
    assert "500" in long.get_data(as_text=True)
    bad = client.post(f"/tickets/{ticket.number}/escalate", data={"reason": "Hm", "steps": "launch"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)
    nul = client.post(f"/tickets/{ticket.number}/escalate", data={"reason": "a\x00b", "steps": "raise"})
    assert nul.status_code == 200
    assert ticket.priority == Priority.MEDIUM and escalations(db, ticket) == []
    done = client.post(f"/tickets/{ticket.number}/escalate", data={"reason": "Revenue", "steps": "raise"})
    assert done.status_code == 302
    db.session.refresh(ticket)
    assert ticket.priority == Priority.HIGH and escalations(db, ticket) == ["Revenue"]
    stranger = login_as(factory.user(Role.MANAGER, org=factory.org("Elsewhere")))
    assert stranger.post(f"/tickets/{ticket.number}/escalate",
                         data={"reason": "Mine", "steps": "raise"}).status_code == 404


def test_the_slack_card_button_opens_the_modal_for_managers_only(slack, slack_api, db, people, ticket):
    from app.blocks.tickets import ticket_card
    assert "ticket.escalate" in json.dumps(ticket_card(ticket)["blocks"])
    value = json.dumps({"n": ticket.number, "from": ticket.status.value})
    slack.press("UBOB", "ticket.escalate", value)
    assert not slack_api.calls_to("views.open")
    deliver_slack()
    assert any("manager" in c.get("text", "") for c in slack_api.calls_to("response_url"))
    slack.press("UMIA", "ticket.escalate", value)
    view = slack_api.calls_to("views.open")[-1]["view"]
    assert view["callback_id"] == "ticket.escalate" and "Raise priority" in json.dumps(view)

    def submit(user, view_id, reason, steps="raise"):
        return slack.interact({"type": "view_submission", "user": {"id": user}, "view": {
            "id": view_id, "callback_id": "ticket.escalate", "private_metadata": view["private_metadata"],
            "state": {"values": {"reason": text_value(reason), "steps": select_value(steps)}}}})

    assert "manager" in submit("UBOB", "V1", "Please").json["errors"]["reason"]
    assert "required" in submit("UMIA", "V2", "").json["errors"]["reason"]
    assert "500" in submit("UMIA", "V3", "z" * 600).json["errors"]["reason"]
    assert "Choose" in submit("UMIA", "V4", "Revenue", "launch-missiles").json["errors"]["steps"]
    assert submit("UMIA", "V5", "Revenue").data == b""
    assert submit("UMIA", "V5", "Revenue").data == b""  # Slack's retry of the same submission does nothing
    db.session.refresh(ticket)
    assert ticket.priority == Priority.HIGH and escalations(db, ticket) == ["Revenue"]
    assert db.session.scalar(select(AuditEvent.source).where(AuditEvent.action == "escalated")).value == "slack"


def test_a_resolved_tickets_card_has_no_escalate_button(db, people, ticket):
    from app.blocks.tickets import ticket_card
    tickets.transition_ticket(people["bob"], ticket.number, TicketStatus.IN_PROGRESS)
    tickets.resolve_ticket(people["bob"], ticket.number, "Done")
    assert "ticket.escalate" not in json.dumps(ticket_card(ticket)["blocks"])
