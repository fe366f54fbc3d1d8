"""Ticket emails through the ticket services, the worker and a real SMTP server."""
import pytest

from app.models import Role
from app.outbox.delivery import deliver_due
from app.services import tickets
from tests.smtp import body_of


@pytest.fixture
def people(factory):
    return {
        "admin": factory.user(Role.ADMIN),
        "manager": factory.user(Role.MANAGER),
        "responder": factory.user(Role.RESPONDER),
        "reporter": factory.user(Role.REPORTER),
    }


def new_mail(smtp_server, before):
    return sorted((rcpt, m["Subject"]) for rcpt, m in smtp_server.messages[before:])


@pytest.mark.parametrize("config_overrides", [{"BASE_URL": "http://relay.test"}])
def test_created_mails_the_admins_with_a_link(people, smtp_server):
    ticket = tickets.create_ticket(people["reporter"], title="Printer on fire", priority="high", details="Smoke")
    deliver_due()
    assert new_mail(smtp_server, 0) == [(people["admin"].email, "[TCK-1] New high ticket: Printer on fire")]
    [(_, message)] = smtp_server.messages
    assert f"http://relay.test/tickets/{ticket.number}" in body_of(message)
    assert "Smoke" in body_of(message, "html")


def test_assigned_resolved_closed_reopened_mail_reporter_and_assignee(people, smtp_server):
    reporter, responder, manager = people["reporter"], people["responder"], people["manager"]
    ticket = tickets.create_ticket(reporter, title="VPN drops")
    deliver_due()
    start = len(smtp_server.messages)
    tickets.reassign_ticket(manager, ticket.number, responder.id)
    deliver_due()
    assert new_mail(smtp_server, start) == sorted([
        (responder.email, "[TCK-1] Assigned to you: VPN drops"),
        (reporter.email, f"[TCK-1] Assigned to {responder.display_name}: VPN drops")])
    steps = [
        (responder, lambda: tickets.assign_to_me(responder, ticket.number), None),  # open -> in progress: no mail
        (responder, lambda: tickets.resolve_ticket(responder, ticket.number, "Replaced the router"), "Resolved"),
        (manager, lambda: tickets.close_ticket(manager, ticket.number), "Closed"),
        (manager, lambda: tickets.reopen_ticket(manager, ticket.number), "Reopened"),
    ]
    for actor, action, subject in steps:
        start = len(smtp_server.messages)
        action()
        deliver_due()
        got = new_mail(smtp_server, start)
        expected = [] if subject is None else sorted(
            (user.email, f"[TCK-1] {subject}: VPN drops") for user in (reporter, responder) if user != actor)
        assert got == expected, subject


def test_resolution_notes_reach_the_reporter(people, smtp_server):
    ticket = tickets.create_ticket(people["reporter"], title="Slow search")
    tickets.assign_to_me(people["responder"], ticket.number)
    tickets.resolve_ticket(people["responder"], ticket.number, "Rebuilt the index")
    deliver_due()
    [message] = [m for m in smtp_server.to(people["reporter"].email) if "Resolved" in m["Subject"]]
    assert "Rebuilt the index" in body_of(message)


def test_comment_mails_participants_never_the_author(people, smtp_server):
    ticket = tickets.create_ticket(people["reporter"], title="Login loop")
    tickets.assign_to_me(people["responder"], ticket.number)
    deliver_due()
    start = len(smtp_server.messages)
    tickets.comment_on_ticket(people["reporter"], ticket.number, "Still happening")
    deliver_due()
    assert [rcpt for rcpt, _ in smtp_server.messages[start:]] == [people["responder"].email]


def test_assignment_arrives_even_when_ticket_mail_is_turned_off(people, smtp_server, client, login_as):
    responder = people["responder"]
    login_as(responder).post("/account/notifications", data={"kinds": []})
    ticket = tickets.create_ticket(people["reporter"], title="Broken badge")
    tickets.comment_on_ticket(people["reporter"], ticket.number, "hello")
    tickets.reassign_ticket(people["manager"], ticket.number, responder.id)
    tickets.comment_on_ticket(people["reporter"], ticket.number, "anyone?")
    deliver_due()
    assert [m["Subject"] for m in smtp_server.to(responder.email)] == ["[TCK-1] Assigned to you: Broken badge"]
