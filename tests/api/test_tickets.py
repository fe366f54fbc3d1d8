"""Tickets over the API: raise, list, take, resolve, reassign, promote, with the web's rules."""
import pytest

from app.models import Role, TicketStatus


@pytest.fixture
def org(factory):
    return factory.org("Acme")


def test_raise_take_resolve_close(api_as, factory, org):
    reporter, responder = factory.user(Role.REPORTER, org=org), factory.user(Role.RESPONDER)
    created = api_as(reporter).post("/api/v1/tickets", json={"title": "VPN drops", "priority": "high"})
    assert created.status_code == 201 and created.json["status"] == "open"
    location = created.headers["Location"]
    staff = api_as(responder)
    taken = staff.post(f"{location}/take")
    assert taken.json["status"] == "in_progress" and taken.json["assignee"]["id"] == responder.id
    assert staff.post(f"{location}/resolve", json={}).status_code == 422
    resolved = staff.post(f"{location}/resolve", json={"resolution_notes": "New cert"})
    assert resolved.json["status"] == "resolved" and resolved.json["resolution_notes"] == "New cert"
    assert staff.post(f"{location}/transitions", json={"status": "closed"}).status_code == 403  # managers close
    manager = api_as(factory.user(Role.MANAGER))
    assert manager.post(f"{location}/transitions", json={"status": "closed"}).json["status"] == "closed"


def test_a_reporter_sees_only_their_own_tickets_and_not_all(api_as, factory, org):
    reporter = factory.user(Role.REPORTER, org=org)
    mine, theirs = factory.ticket(reporter=reporter), factory.ticket(org=org)
    api = api_as(reporter)
    assert api.get("/api/v1/tickets").status_code == 403  # scope=all is for responders
    assert [t["number"] for t in api.get("/api/v1/tickets?scope=mine").json["items"]] == [mine.number]
    assert api.get(f"/api/v1/tickets/{theirs.number}").status_code == 404


def test_filters_and_cursor(api_as, factory, org):
    numbers = [factory.ticket(org=org, priority="high" if n % 2 else "low").number for n in range(5)]
    api = api_as(factory.user(Role.RESPONDER))
    high = api.get("/api/v1/tickets?priority=high&limit=1").json
    assert [t["number"] for t in high["items"]] == [numbers[3]]
    rest = api.get(f"/api/v1/tickets?priority=high&limit=1&cursor={high['next_cursor']}").json
    assert [t["number"] for t in rest["items"]] == [numbers[1]] and rest["next_cursor"] is None
    assert api.get("/api/v1/tickets?created_from=2999-01-01&created_to=2000-01-01").status_code == 422


def test_reassign_by_a_manager_with_a_comment(api_as, factory, org):
    ticket, responder = factory.ticket(org=org), factory.user(Role.RESPONDER)
    api = api_as(factory.user(Role.MANAGER))
    response = api.put(f"/api/v1/tickets/{ticket.number}/assignee",
                       json={"assignee_id": responder.id, "comment": "Yours"})
    assert response.status_code == 200 and response.json["assignee"]["id"] == responder.id
    assert [c["body"] for c in api.get(f"/api/v1/tickets/{ticket.number}/comments").json["items"]] == ["Yours"]
    customer = factory.user(Role.RESPONDER, org=factory.org("Globex"))
    refused = api.put(f"/api/v1/tickets/{ticket.number}/assignee", json={"assignee_id": customer.id})
    assert refused.status_code == 422 and "assignee_id" in refused.json["errors"]


def test_promote_to_an_incident(api_as, factory, org):
    ticket = factory.ticket(org=org, title="Checkout fails", status=TicketStatus.IN_PROGRESS)
    api = api_as(factory.user(Role.RESPONDER))
    promoted = api.post(f"/api/v1/tickets/{ticket.number}/promotion", json={"severity": "sev2"})
    assert promoted.status_code == 201 and promoted.json["title"] == "Checkout fails"
    assert promoted.headers["Location"] == f"/api/v1/incidents/{promoted.json['number']}"
    assert api.get(f"/api/v1/tickets/{ticket.number}").json["incident"] == promoted.json["reference"]
    again = api.post(f"/api/v1/tickets/{ticket.number}/promotion", json={"severity": "sev2"})
    assert again.status_code == 409


def test_edit_with_if_match(api_as, factory, org):
    reporter = factory.user(Role.REPORTER, org=org)
    api = api_as(reporter)
    created = api.post("/api/v1/tickets", json={"title": "Typo"})
    location, etag = created.headers["Location"], created.headers["ETag"]
    api_as(factory.user(Role.RESPONDER)).patch(location, json={"priority": "high"})
    stale = api.patch(location, json={"title": "Typo on the login page"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.patch(location, json={"external_url": "javascript:alert(1)"}).status_code == 422


def test_summaries_follow_the_roles(api_as, factory, org):
    factory.incident(org=org)
    factory.ticket(org=org, priority="critical")
    assert api_as(factory.user(Role.RESPONDER)).get("/api/v1/analytics/incidents").status_code == 403
    manager = api_as(factory.user(Role.MANAGER))
    report = manager.get("/api/v1/analytics/incidents?period=30")
    assert report.status_code == 200 and report.json["total"] == 1
    assert {"summary", "by_severity", "by_organization", "weekly", "longest"} <= set(report.json["tables"])
    assert manager.get("/api/v1/analytics/incidents?period=8").status_code == 422
    custom = manager.get("/api/v1/analytics/incidents?period=custom&date_from=2026-01-02&date_to=2026-01-01")
    assert custom.status_code == 422 and "date_to" in custom.json["errors"]
    assert manager.get("/api/v1/analytics/tickets?period=30").json["opened"] == 1
    summary = api_as(factory.user(Role.RESPONDER)).get("/api/v1/analytics/ticket-summary").json
    assert summary["total"] == 1 and summary["urgent_unassigned"] == 1
    assert api_as(factory.user(Role.REPORTER, org=org)).get("/api/v1/analytics/ticket-summary").status_code == 403
