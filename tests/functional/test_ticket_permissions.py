"""Every ticket route against every role: anonymous -> sign in, too junior -> 403, another org -> 404."""
import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Campaign, Comment, Incident, IssueType, Role, Ticket, TicketStatus

ANYONE, RESPONDER, MANAGER, ADMIN = Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN

# (method, path, form data, minimum role). {n} open, {p} in progress, {r} resolved: all raised by the reporter.
ROUTES = [
    ("GET", "/tickets/", None, RESPONDER),
    ("GET", "/tickets/?status=open&priority=high&created_from=2020-01-01&sort=priority", None, RESPONDER),
    ("GET", "/tickets/mine", None, ANYONE),
    ("GET", "/tickets/mine?scope=assigned&q=printer", None, ANYONE),
    ("GET", "/tickets/summary", None, RESPONDER),
    ("GET", "/tickets/export.csv", None, RESPONDER),
    ("GET", "/tickets/export.csv?scope=mine&priority=medium", None, ANYONE),
    ("GET", "/tickets/new", None, ANYONE),
    ("POST", "/tickets/new", {"title": "Printer on fire", "priority": "high"}, ANYONE),
    ("GET", "/tickets/{n}", None, ANYONE),
    ("GET", "/tickets/{n}/edit", None, ANYONE),
    ("POST", "/tickets/{n}/edit", {"title": "Renamed", "priority": "low"}, ANYONE),
    ("POST", "/tickets/{n}/comments", {"body": "Any news?"}, ANYONE),
    ("POST", "/tickets/{n}/transition", {"target": "in_progress"}, RESPONDER),
    ("POST", "/tickets/{p}/transition", {"target": "resolved", "resolution_notes": "Replaced toner"}, RESPONDER),
    ("POST", "/tickets/{r}/transition", {"target": "closed"}, MANAGER),
    ("POST", "/tickets/{r}/transition", {"target": "open"}, RESPONDER),
    ("POST", "/tickets/{n}/take", {}, RESPONDER),
    ("POST", "/tickets/{n}/assign", {"assignee_id": "{staff}", "comment": "Yours"}, MANAGER),
    ("POST", "/tickets/{n}/promote", {"severity": "sev2"}, RESPONDER),
    ("GET", "/admin/campaigns", None, ADMIN),
    ("POST", "/admin/campaigns", {"name": "Summer"}, ADMIN),
    ("POST", "/admin/campaigns/{c}", {"name": "Spring 2", "position": "2", "active": "y"}, ADMIN),
    ("GET", "/admin/issue-types", None, ADMIN),
    ("POST", "/admin/issue-types", {"name": "Outage"}, ADMIN),
    ("POST", "/admin/issue-types/{i}", {"name": "Bug report", "position": "1"}, ADMIN),
]
OBJECT_ROUTES = [r for r in ROUTES if any(k in r[1] for k in ("{n}", "{p}", "{r}"))]
POST_ROUTES = [r for r in ROUTES if r[0] == "POST"]
ids = lambda routes: [f"{r[0]} {r[1]} {(r[2] or {}).get('target', '')}" for r in routes]


@pytest.fixture
def world(factory):
    provider = factory.provider()
    reporter = factory.user(Role.REPORTER, org=provider)
    staff = factory.user(Role.RESPONDER, org=provider)
    made = {key: factory.ticket(reporter=reporter, status=status)
            for key, status in (("n", TicketStatus.OPEN), ("p", TicketStatus.IN_PROGRESS),
                                ("r", TicketStatus.RESOLVED))}
    return {"reporter": reporter, "staff": staff, "org": provider, **made,
            "c": factory.campaign("Spring"), "i": factory.issue_type("Bug")}


def fill(world, path, data):
    values = {"n": world["n"].number, "p": world["p"].number, "r": world["r"].number,
              "staff": world["staff"].id, "c": world["c"].id, "i": world["i"].id}
    path = path.format(**values)
    data = None if data is None else {k: str(v).format(**values) for k, v in data.items()}
    return path, data


def call(client, method, path, data):
    return client.get(path) if method == "GET" else client.post(path, data=data)


@pytest.mark.parametrize("method,path,data,minimum", ROUTES, ids=ids(ROUTES))
def test_anonymous_is_sent_to_sign_in(client, world, method, path, data, minimum):
    response = call(client, method, *fill(world, path, data))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("method,path,data,minimum", ROUTES, ids=ids(ROUTES))
def test_role_matrix(client, factory, login_as, world, role, method, path, data, minimum):
    login_as(world["reporter"] if role == Role.REPORTER else factory.user(role))
    response = call(client, method, *fill(world, path, data))
    if role.at_least(minimum):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/auth/login" not in response.headers["Location"]
            follow = client.get(response.headers["Location"])
            assert "alert-danger" not in follow.get_data(as_text=True), follow.get_data(as_text=True)[:3000]
    elif role == RESPONDER and path.endswith("/assign"):
        # A responder picking someone else is told so at the field, the rest of the form kept.
        assert response.status_code == 200
        assert "Only managers can assign tickets to someone else." in response.get_data(as_text=True)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("method,path,data,minimum", OBJECT_ROUTES, ids=ids(OBJECT_ROUTES))
def test_another_orgs_ticket_is_not_found(client, db, factory, login_as, world, role, method, path, data, minimum):
    login_as(factory.user(role, org=factory.org("Globex")))
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert call(client, method, *fill(world, path, data)).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_reporter_cannot_see_a_colleagues_ticket(client, factory, login_as, world):
    login_as(factory.user(Role.REPORTER))
    assert client.get(f"/tickets/{world['n'].number}").status_code == 404
    assert world["n"].title not in client.get("/tickets/mine").get_data(as_text=True)
    assert world["n"].title not in client.get("/tickets/export.csv?scope=mine").get_data(as_text=True)


def test_customer_staff_see_only_their_org(client, factory, login_as, world):
    globex = factory.org("Globex")
    theirs = factory.ticket(org=globex, title="Globex login loop")
    login_as(factory.user(Role.MANAGER, org=globex))
    for page in ("/tickets/", "/tickets/export.csv", "/tickets/summary"):
        text = client.get(page).get_data(as_text=True)
        assert world["n"].title not in text, page
    assert theirs.title in client.get("/tickets/").get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "forged"])
@pytest.mark.parametrize("method,path,data,minimum", POST_ROUTES, ids=ids(POST_ROUTES))
def test_every_form_refuses_a_forged_csrf_token(client, db, factory, login_as, world, token,
                                                method, path, data, minimum):
    login_as(factory.user(Role.ADMIN))
    tables = (AuditEvent, Campaign, Comment, Incident, IssueType, Ticket)
    snapshot = lambda: ([db.session.scalar(select(func.count()).select_from(t)) for t in tables],
                        [(c.name, c.position) for c in db.session.scalars(select(Campaign))])
    before = snapshot()
    path, data = fill(world, path, data)
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 400
    assert "Reload the page and try again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert snapshot() == before
    assert db.session.get(Ticket, world["n"].id).status == TicketStatus.OPEN
