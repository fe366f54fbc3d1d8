"""The ticket pages: lists, my tickets, export, summary, the detail page and promotion."""
import csv
import io

import pytest

from app.models import Priority, Role, TicketStatus
from tests.support import flashes


@pytest.fixture
def responder(factory, login_as):
    user = factory.user(Role.RESPONDER, name="Sam Support")
    login_as(user)
    return user


def test_empty_states_point_to_the_next_step(client, responder):
    assert "Raise the first ticket" in client.get("/tickets/").get_data(as_text=True)
    assert "Nothing on your plate" in client.get("/tickets/mine").get_data(as_text=True)
    assert "No tickets yet" in client.get("/tickets/summary").get_data(as_text=True)
    assert "No matches" in client.get("/tickets/?q=nothing").get_data(as_text=True)


def test_priorities_are_shown_with_colour_and_icon(client, factory, responder):
    for p in Priority:
        factory.ticket(priority=p, title=f"{p.value} one")
    page = client.get("/tickets/").get_data(as_text=True)
    for p in Priority:
        assert f"text-bg-{p.badge} priority-{p.value}" in page
        assert f"#{p.icon}" in page  # the Bootstrap icon sprite reference


def test_my_tickets_are_raised_by_me_or_assigned_to_me(client, factory, responder):
    raised = factory.ticket(reporter=responder, title="Mine: raised")
    held = factory.ticket(assignee_id=responder.id, title="Mine: assigned")
    factory.ticket(title="Someone else's")
    page = client.get("/tickets/mine").get_data(as_text=True)
    assert raised.title in page and held.title in page and "Someone else&#39;s" not in page
    assigned = client.get("/tickets/mine?scope=assigned").get_data(as_text=True)
    assert held.title in assigned and raised.title not in assigned


def test_list_pages(client, factory, responder, app):
    app.config["PER_PAGE"] = 2
    for n in range(5):
        factory.ticket(title=f"Paged {n}")
    first = client.get("/tickets/?sort=oldest").get_data(as_text=True)
    assert "Paged 0" in first and "Paged 2" not in first and "Page 1 of 3" in first
    assert "Paged 4" in client.get("/tickets/?sort=oldest&page=3").get_data(as_text=True)


def test_csv_export_streams_the_current_filter(client, factory, responder):
    factory.ticket(title="High one", priority=Priority.HIGH)
    factory.ticket(title="Low one", priority=Priority.LOW)
    factory.ticket(title="@SUM(A1)", priority=Priority.HIGH)
    listing = client.get("/tickets/?priority=high").get_data(as_text=True)
    assert "/tickets/export.csv?priority=high&amp;scope=all" in listing
    response = client.get("/tickets/export.csv?priority=high&sort=oldest")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["number", "title", "status", "priority"]
    assert [r[1] for r in rows[1:]] == ["High one", "'@SUM(A1)"]


def test_export_with_a_bad_filter_explains(client, responder):
    response = client.get("/tickets/export.csv?created_from=2026-05-09&created_to=2026-05-01")
    assert response.status_code == 302
    assert "The end date is before the start date." in flashes(client.get(response.headers["Location"]))


def test_summary_page(client, factory, responder):
    factory.ticket(title="Unowned critical", priority=Priority.CRITICAL)
    factory.ticket(title="Owned high", priority=Priority.HIGH, assignee_id=responder.id,
                   status=TicketStatus.IN_PROGRESS)
    factory.ticket(title="Done", status=TicketStatus.CLOSED)
    page = client.get("/tickets/summary").get_data(as_text=True)
    assert "Open high-priority tickets nobody holds: <strong class=\"text-body\">1</strong>" in page
    urgent = page.split('data-testid="urgent-unassigned"')[1].split('data-testid="oldest-open"')[0]
    assert "Unowned critical" in urgent and "Owned high" not in urgent
    oldest = page.split('data-testid="oldest-open"')[1]
    assert oldest.index("Unowned critical") < oldest.index("Owned high") and "Done" not in oldest


def test_working_a_ticket_through_the_web(client, factory, responder, login_as):
    ticket = factory.ticket(title="VPN drops")
    base = f"/tickets/{ticket.number}"
    response = client.post(f"{base}/take", follow_redirects=True)
    assert "The ticket is yours now." in flashes(response)
    page = response.get_data(as_text=True)
    assert 'data-testid="assignee">Sam Support' in page and "In progress" in page
    client.post(f"{base}/comments", data={"body": "Checking the tunnel logs"})
    client.post(f"{base}/transition", data={"target": "resolved", "expected_status": "in_progress",
                                             "resolution_notes": "Raised the keepalive"})
    page = client.get(base).get_data(as_text=True)
    assert "Raised the keepalive" in page and "Checking the tunnel logs" in page
    timeline = page.split('data-testid="timeline"')[1]
    for line in ("Assigned to <strong>Sam Support</strong>", "<strong>open</strong> → <strong>in progress</strong>",
                 "Commented", "<strong>in progress</strong> → <strong>resolved</strong>",
                 "Resolution notes", "Sam Support · via web"):
        assert line in timeline, line
    login_as(factory.user(Role.MANAGER))
    client.post(f"{base}/transition", data={"target": "closed"})
    client.post(f"{base}/assign", data={"assignee_id": "", "comment": "Nobody needs to hold a closed ticket"})
    page = client.get(base).get_data(as_text=True)
    assert "Closed" in page and 'data-testid="assignee">Unassigned' in page
    assert "Nobody needs to hold a closed ticket" in page


def test_promotion_through_the_web_links_both_pages(client, db, factory, responder):
    ticket = factory.ticket(title="Payments failing for everyone", priority=Priority.CRITICAL)
    response = client.post(f"/tickets/{ticket.number}/promote", data={"severity": ""})
    assert response.headers["Location"].startswith("/incidents/")
    incident_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Promoted from ticket" in incident_page and ticket.reference in incident_page
    assert "SEV1" in incident_page and f'Promoted from ticket <a href="/tickets/{ticket.number}">{ticket.reference}</a>' in incident_page
    ticket_page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="promoted"' in ticket_page and 'Promoted to incident <a href="/incidents/1"><strong>INC-1</strong></a>' in ticket_page
    assert "Promote to incident" not in ticket_page  # the form is gone once promoted
    again = client.post(f"/tickets/{ticket.number}/promote", data={"severity": "sev2"})
    assert "already promoted to INC-1" in " ".join(flashes(client.get(again.headers["Location"])))


def test_nav_offers_tickets_by_role(client, factory, login_as):
    login_as(factory.user(Role.REPORTER))
    page = client.get("/tickets/mine").get_data(as_text=True)
    assert "My tickets" in page and "All tickets" not in page and "Raise ticket" in page
    login_as(factory.user(Role.ADMIN))
    page = client.get("/tickets/mine").get_data(as_text=True)
    assert "All tickets" in page and "/admin/campaigns" in page and "/admin/issue-types" in page


def test_admin_manages_campaigns(client, db, factory, login_as):
    login_as(factory.user(Role.ADMIN))
    response = client.post("/admin/campaigns", data={"name": "Spring launch"}, follow_redirects=True)
    assert "Added Spring launch." in flashes(response)
    from app.models import Campaign

    campaign = db.session.scalars(db.select(Campaign)).one()
    client.post(f"/admin/campaigns/{campaign.id}", data={"name": "Spring launch", "position": "4"})
    db.session.expire_all()
    assert campaign.active is False and campaign.position == 4
    assert "retired" in client.get("/admin/campaigns").get_data(as_text=True)
