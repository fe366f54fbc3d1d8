"""Bad input on every ticket form: a clear message, never a 500, nothing written."""
import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Campaign, Comment, Incident, Role, Ticket, TicketStatus
from tests.support import field_errors, flashes


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def manager(factory, login_as):
    user = factory.user(Role.MANAGER)
    login_as(user)
    return user


VALID = {"title": "Refund not received", "priority": "high", "details": "Order 1234",
         "external_url": "https://crm.example.com/case/9"}

BAD_TICKETS = [
    ({"title": ""}, "This field is required."),
    ({"title": "   "}, "This field is required."),
    ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
    ({"priority": "urgent"}, "Not a valid choice."),
    ({"priority": ""}, "Not a valid choice."),
    ({"campaign_id": "999999"}, "Not a valid choice."),
    ({"campaign_id": "abc"}, "Not a valid choice."),
    ({"issue_type_id": "-1"}, "Not a valid choice."),
    ({"details": "x" * 20_001}, "Field cannot be longer than 20000 characters."),
    ({"external_url": "javascript:alert(1)"}, "External link must be an http:// or https:// address."),
    ({"external_url": "https://" + "a" * 500}, "Field cannot be longer than 500 characters."),
]


@pytest.mark.parametrize("path", ["/tickets/new", "/tickets/{n}/edit"])
@pytest.mark.parametrize("changes,message", BAD_TICKETS)
def test_ticket_form_with_bad_input(client, db, factory, manager, path, changes, message):
    ticket = factory.ticket(reporter=manager, title="Original")
    before = count(db, Ticket), count(db, AuditEvent)
    response = client.post(path.format(n=ticket.number), data={**VALID, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "is-invalid" in page
    assert (count(db, Ticket), count(db, AuditEvent)) == before
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).title == "Original"


@pytest.mark.parametrize("org_id", ["1' OR '1'='1", "999999", "-1"])
def test_unknown_organization_is_refused(client, db, manager, org_id):
    response = client.post("/tickets/new", data={**VALID, "org_id": org_id})
    assert "Not a valid choice." in response.get_data(as_text=True) and count(db, Ticket) == 0


def test_retired_campaign_is_not_offered(client, db, factory, manager):
    retired = factory.campaign("Old", active=False)
    factory.campaign("Current")
    page = client.get("/tickets/new").get_data(as_text=True)
    assert "Current" in page and ">Old<" not in page
    response = client.post("/tickets/new", data={**VALID, "campaign_id": str(retired.id)})
    assert "Not a valid choice." in response.get_data(as_text=True) and count(db, Ticket) == 0


def test_hostile_text_is_escaped(client, manager):
    response = client.post("/tickets/new", data={**VALID, "title": "<script>alert(1)</script>",
                                                 "details": "<img src=x onerror=alert(1)>"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


BAD_ACTIONS = [
    ("transition", {"target": ""}, "This field is required."),
    ("transition", {"target": "exploded"}, "Status must be one of"),
    ("transition", {"target": "closed"}, "cannot move to closed"),
    ("transition", {"target": "in_progress", "expected_status": "resolved"}, "nothing was changed"),
    ("promote", {"severity": "sev9"}, "Not a valid choice."),
    ("promote", {"product_area_id": "999999"}, "Not a valid choice."),
]


@pytest.mark.parametrize("action,data,message", BAD_ACTIONS)
def test_bad_action_input_is_flashed(client, db, factory, manager, action, data, message):
    ticket = factory.ticket()
    before = [count(db, m) for m in (AuditEvent, Comment, Incident)]
    response = client.post(f"/tickets/{ticket.number}/{action}", data=data)
    assert response.status_code == 302
    shown = " ".join(flashes(client.get(response.headers["Location"])))
    assert message in shown, shown
    assert [count(db, m) for m in (AuditEvent, Comment, Incident)] == before


KEPT_ACTIONS = [
    ("comments", {"body": ""}, "This field is required."),
    ("comments", {"body": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
    ("assign", {"assignee_id": "abc", "comment": "Over to you"}, "Choose a valid option."),
    ("assign", {"assignee_id": "999999", "comment": "Over to you"}, "Choose an active responder"),
    ("assign", {"assignee_id": "", "comment": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
    ("assign", {"assignee_id": "", "comment": "Nobody?"}, "is already unassigned; nothing was changed."),
]


@pytest.mark.parametrize("action,data,message", KEPT_ACTIONS)
def test_bad_input_worth_keeping_comes_back_at_the_field(client, db, factory, manager, action, data, message):
    ticket = factory.ticket()
    before = [count(db, m) for m in (AuditEvent, Comment, Incident)]
    response = client.post(f"/tickets/{ticket.number}/{action}", data=data)
    assert response.status_code == 200
    assert any(message in text for text in field_errors(response)), field_errors(response)
    typed = data.get("body", data.get("comment"))
    assert f"{typed}</textarea>" in response.get_data(as_text=True)
    assert not any(message in text for text in flashes(response))
    assert [count(db, m) for m in (AuditEvent, Comment, Incident)] == before


@pytest.mark.parametrize("notes,message", [("", "Resolution notes is required."),
                                           ("x" * 10_001, "Field cannot be longer than 10000 characters.")])
def test_resolving_without_good_notes(client, db, factory, manager, notes, message):
    ticket = factory.ticket(status=TicketStatus.IN_PROGRESS)
    response = client.post(f"/tickets/{ticket.number}/transition",
                           data={"target": "resolved", "resolution_notes": notes})
    assert response.status_code == 200 and not any(message in text for text in flashes(response))
    page = response.get_data(as_text=True)
    assert message in field_errors(response) and 'name="resolution_notes"' in page and "is-invalid" in page
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.IN_PROGRESS


@pytest.mark.parametrize("path", ["/tickets/999999", "/tickets/0", "/tickets/abc", "/tickets/99999999999/edit",
                                  "/admin/colours", "/admin/campaigns/999999"])
def test_unknown_ids_are_not_found(client, factory, login_as, path):
    login_as(factory.user(Role.ADMIN))
    response = client.get(path) if "campaigns" not in path else client.post(path, data={"name": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["comments", "transition", "take", "assign", "promote"])
def test_actions_on_an_unknown_ticket_are_not_found(client, manager, action):
    assert client.post(f"/tickets/424242/{action}", data={"target": "open", "body": "x"}).status_code == 404


@pytest.mark.parametrize("query,message", [
    ("created_from=yesterday", "Not a valid date value."),
    ("created_from=2026-05-09&created_to=2026-05-01", "The end date is before the start date."),
    ("status=exploded", "Not a valid choice."),
    ("priority=urgent", "Not a valid choice."),
    ("campaign_id=999999", "Not a valid choice."),
    ("assignee_id=abc", "Not a valid choice."),
    ("q=" + "x" * 101, "Field cannot be longer than 100 characters."),
    ("sort=sideways&page=-4", "Not a valid choice."),
])
def test_bad_filters_are_shown_inline(client, factory, manager, query, message):
    factory.ticket(title="Still listed")
    response = client.get(f"/tickets/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "is-invalid" in page
    assert client.get(f"/tickets/export.csv?{query}").status_code in (200, 302)


BAD_OPTIONS = [
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 81}, "Field cannot be longer than 80 characters."),
    ({"name": "spring"}, "is already on the list"),
    ({"name": "Autumn", "position": "first"}, "Not a valid integer value."),
    ({"name": "Autumn", "position": "-1"}, "Number must be between 0 and 10000."),
]


@pytest.mark.parametrize("data,message", BAD_OPTIONS)
def test_admin_lists_with_bad_input(client, db, factory, login_as, data, message):
    spring, other = factory.campaign("Spring"), factory.campaign("Summer")
    login_as(factory.user(Role.ADMIN))
    response = client.post("/admin/campaigns", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    response = client.post(f"/admin/campaigns/{other.id}", data=data)
    assert message in " ".join(flashes(client.get(response.headers["Location"])))
    db.session.expire_all()
    assert sorted(c.name for c in db.session.scalars(select(Campaign))) == ["Spring", "Summer"]
