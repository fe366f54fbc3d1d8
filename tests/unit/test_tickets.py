"""The ticket service: raising, editing, assigning and commenting, with their events and timeline."""
import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Comment, Priority, Role, Source, Ticket, TicketStatus
from app.services import tickets
from app.services.core import events
from app.services.audit import timeline
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError

TICKET_EVENTS = ("ticket.created", "ticket.assigned", "ticket.status_changed", "ticket.commented",
                 "ticket.edited", "ticket.promoted")


@pytest.fixture
def emitted():
    """The ticket events emitted during the test, as (name, data) pairs."""
    seen = []

    def record(event):
        seen.append((event.name, event.data))

    events.subscribe(*TICKET_EVENTS)(record)
    yield seen
    events.unsubscribe(record, *TICKET_EVENTS)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_numbers_records_and_announces(factory, emitted):
    reporter = factory.user(Role.REPORTER)
    campaign, kind = factory.campaign("Spring sale"), factory.issue_type("Billing")
    first = tickets.create_ticket(reporter, title="  Refund missing ", priority="high", details="Order 42",
                                  campaign_id=str(campaign.id), issue_type_id=kind.id,
                                  external_url="https://crm.example.com/case/42", source=Source.EMAIL)
    second = tickets.create_ticket(reporter, title="Second")
    assert (first.reference, second.reference) == ("TCK-1", "TCK-2")
    assert first.title == "Refund missing" and first.priority == Priority.HIGH
    assert first.status == TicketStatus.OPEN and first.org_id == reporter.org_id
    assert first.campaign == campaign and first.issue_type == kind
    assert second.priority == Priority.MEDIUM and second.campaign is None
    [created] = timeline("ticket", first.id)
    assert (created.action, created.source, created.actor_id) == ("created", Source.EMAIL, reporter.id)
    assert [name for name, _ in emitted] == ["ticket.created", "ticket.created"]


BAD_INPUT = [
    ({"title": None}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 12}, "title"),
    ({"details": "x" * 20_001}, "details"),
    ({"priority": "urgent"}, "priority"),
    ({"priority": ["high"]}, "priority"),
    ({"campaign_id": "999999"}, "campaign_id"),
    ({"campaign_id": "abc"}, "campaign_id"),
    ({"campaign_id": "-3"}, "campaign_id"),
    ({"issue_type_id": "99999999999"}, "issue_type_id"),
    ({"external_url": "javascript:alert(1)"}, "external_url"),
    ({"external_url": "ftp://example.com/x"}, "external_url"),
    ({"external_url": "https://" + "a" * 500}, "external_url"),
    ({"external_url": "https://exa mple.com"}, "external_url"),
    ({"org_id": "999999"}, "org_id"),
]


@pytest.mark.parametrize("changes,field", BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_written(db, factory, changes, field):
    staff = factory.user(Role.MANAGER)
    with pytest.raises(ValidationError) as error:
        tickets.create_ticket(staff, **{"title": "Printer on fire", **changes})
    assert field in error.value.errors
    db.session.rollback()
    assert count(db, Ticket) == 0 and count(db, AuditEvent) == 0


def test_retired_campaign_cannot_be_chosen_but_stays_on_old_tickets(db, factory):
    reporter = factory.user(Role.REPORTER)
    retired = factory.campaign("Old promo", active=False)
    with pytest.raises(ValidationError):
        tickets.create_ticket(reporter, title="Hello", campaign_id=retired.id)
    db.session.rollback()
    ticket = factory.ticket(reporter=reporter, campaign_id=retired.id)
    tickets.edit_ticket(reporter, ticket.number, title="Hello again", campaign_id=retired.id)
    assert ticket.campaign == retired


def test_customers_raise_tickets_only_for_their_own_org(factory):
    customer = factory.user(Role.MANAGER, org=factory.org())
    with pytest.raises(ValidationError, match="raise tickets for your own organization"):
        tickets.create_ticket(customer, title="x", org_id=factory.provider().id)
    staff = factory.user(Role.RESPONDER)
    assert tickets.create_ticket(staff, title="x", org_id=customer.org_id).org_id == customer.org_id


def test_edit_records_each_field(factory, emitted):
    reporter = factory.user(Role.REPORTER)
    ticket = factory.ticket(reporter=reporter, title="Old")
    campaign = factory.campaign("Launch")
    tickets.edit_ticket(reporter, ticket.number, title="New", priority="critical", campaign_id=campaign.id,
                        details="", external_url="")
    edits = {(e.field, e.old_value, e.new_value) for e in timeline("ticket", ticket.id) if e.action == "edited"}
    assert edits == {("title", "Old", "New"), ("priority", "Medium", "Critical"), ("campaign", None, "Launch")}
    [(name, data)] = emitted
    assert name == "ticket.edited" and set(data["changes"]) == {"title", "priority", "campaign"}
    tickets.edit_ticket(reporter, ticket.number, title="New")
    assert len(emitted) == 1  # nothing changed, nothing announced


def test_only_staff_or_the_reporter_edit(factory):
    ticket = factory.ticket()
    colleague = factory.user(Role.REPORTER, org=ticket.org)
    with pytest.raises(NotFound):
        tickets.edit_ticket(colleague, ticket.number, title="Mine now")
    tickets.edit_ticket(factory.user(Role.RESPONDER), ticket.number, title="Triaged")
    assert ticket.title == "Triaged"


def test_assign_to_me_takes_and_starts_the_ticket(factory, emitted):
    responder = factory.user(Role.RESPONDER)
    ticket = factory.ticket()
    tickets.assign_to_me(responder, ticket.number)
    assert ticket.assignee == responder and ticket.status == TicketStatus.IN_PROGRESS
    assert [name for name, _ in emitted] == ["ticket.assigned", "ticket.status_changed"]
    assert emitted[0][1] == {"assignee": responder, "previous": None}
    actions = [e.action for e in timeline("ticket", ticket.id)]
    assert actions == ["assigned", "status_changed"]
    tickets.assign_to_me(responder, ticket.number)  # again: nothing new
    assert len(timeline("ticket", ticket.id)) == 2


def test_assign_to_me_refuses_reporters_and_closed_tickets(factory):
    reporter = factory.user(Role.REPORTER)
    with pytest.raises(Forbidden):
        tickets.assign_to_me(reporter, factory.ticket(reporter=reporter).number)
    closed = factory.ticket(status=TicketStatus.CLOSED)
    with pytest.raises(InvalidTransition, match="reopen it"):
        tickets.assign_to_me(factory.user(Role.RESPONDER), closed.number)


def test_reassign_by_a_manager_with_a_comment(db, factory, emitted):
    manager, responder = factory.user(Role.MANAGER), factory.user(Role.RESPONDER)
    ticket = factory.ticket(assignee_id=manager.id)
    tickets.reassign_ticket(manager, ticket.number, str(responder.id), comment="Sam knows billing")
    assert ticket.assignee == responder
    assert [name for name, _ in emitted] == ["ticket.assigned", "ticket.commented"]
    assert emitted[0][1] == {"assignee": responder, "previous": manager}
    assert [c.body for c in tickets.comments_for(ticket)] == ["Sam knows billing"]
    assert [e.action for e in timeline("ticket", ticket.id)] == ["assigned", "commented"]


def test_responders_only_take_or_drop_their_own(factory):
    responder, other = factory.user(Role.RESPONDER), factory.user(Role.RESPONDER)
    ticket = factory.ticket()
    with pytest.raises(ValidationError, match="Only managers can assign tickets to someone else."):
        tickets.reassign_ticket(responder, ticket.number, other.id)
    tickets.reassign_ticket(responder, ticket.number, responder.id)
    tickets.reassign_ticket(responder, ticket.number, "")
    assert ticket.assignee is None


@pytest.mark.parametrize("assignee", ["abc", "999999", "-1"])
def test_reassign_to_nobody_valid_is_refused(factory, assignee):
    with pytest.raises(ValidationError):
        tickets.reassign_ticket(factory.user(Role.MANAGER), factory.ticket().number, assignee)


def test_reassign_to_someone_outside_the_org_is_refused(factory):
    customer_org = factory.org()
    ticket = factory.ticket(org=customer_org)
    outsider = factory.user(Role.RESPONDER, org=factory.org())
    with pytest.raises(ValidationError):
        tickets.reassign_ticket(factory.user(Role.MANAGER), ticket.number, outsider.id)


def test_comments_are_on_the_ticket_only(db, factory, emitted):
    reporter = factory.user(Role.REPORTER)
    ticket = factory.ticket(reporter=reporter)
    comment = tickets.comment_on_ticket(reporter, ticket.number, " Still broken ")
    assert comment.ticket_id == ticket.id and comment.incident_id is None and comment.body == "Still broken"
    assert emitted == [("ticket.commented", {"comment": comment})]
    with pytest.raises(ValidationError):
        tickets.comment_on_ticket(reporter, ticket.number, "x" * 10_001)
    with pytest.raises(NotFound):
        tickets.comment_on_ticket(factory.user(Role.REPORTER, org=ticket.org), ticket.number, "hi")


def test_a_comment_belongs_to_exactly_one_record(db, factory):
    from sqlalchemy.exc import IntegrityError

    ticket, incident = factory.ticket(), factory.incident()
    for fields in ({}, {"ticket_id": ticket.id, "incident_id": incident.id}):
        db.session.add(Comment(author_id=ticket.reporter_id, body="x", **fields))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert count(db, Comment) == 0


def test_reporters_see_only_what_they_raised(factory):
    ticket = factory.ticket()
    with pytest.raises(NotFound):
        tickets.get_ticket(factory.user(Role.REPORTER, org=ticket.org), ticket.number)
    assert tickets.get_ticket(factory.user(Role.RESPONDER, org=ticket.org), ticket.number) == ticket
