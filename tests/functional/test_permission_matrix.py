"""Every route against every role: anonymous -> sign in, too junior -> 403, another org -> 404."""
import pytest

from app.models import Role

ANYONE, RESPONDER, MANAGER, ADMIN = Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN

# (method, path, form data, minimum role). {n} is an incident the reporter raised.
ROUTES = [
    ("GET", "/", None, ANYONE),
    ("GET", "/incidents/", None, ANYONE),
    ("GET", "/incidents/new", None, ANYONE),
    ("POST", "/incidents/new", {"title": "Disk full", "severity": "sev3"}, ANYONE),
    ("GET", "/incidents/{n}", None, ANYONE),
    ("GET", "/incidents/{n}/edit", None, ANYONE),
    ("POST", "/incidents/{n}/edit", {"title": "Renamed", "severity": "sev2"}, ANYONE),
    ("POST", "/incidents/{n}/comments", {"body": "Looking"}, ANYONE),
    ("POST", "/incidents/{n}/transition", {"target": "investigating"}, RESPONDER),
    ("POST", "/incidents/{n}/take", {}, RESPONDER),
    ("POST", "/incidents/{n}/assign", {"assignee_id": "{staff}"}, MANAGER),
    ("POST", "/attachments/incidents/{n}", {"note": "no file"}, ANYONE),
    ("POST", "/incidents/{n}/delete", {}, ADMIN),
    ("GET", "/profile", None, ANYONE),
    ("POST", "/profile", {"display_name": "Renamed", "timezone": "Europe/Berlin"}, ANYONE),
    ("POST", "/profile/password", {"current_password": "password123", "new_password": "new-password",
                                   "confirm": "new-password"}, ANYONE),
    ("GET", "/analytics/", None, MANAGER),
    ("GET", "/analytics/?days=365", None, MANAGER),
    ("GET", "/admin/users", None, ADMIN),
    ("GET", "/admin/users/new", None, ADMIN),
    ("POST", "/admin/users/new", {"email": "new@example.com", "display_name": "New", "role": "reporter",
                                  "org_id": "{org}", "password": "longenough"}, ADMIN),
    ("GET", "/admin/users/{staff}/edit", None, ADMIN),
    ("POST", "/admin/users/{staff}/deactivate", {}, ADMIN),
    ("GET", "/admin/organizations", None, ADMIN),
    ("POST", "/admin/organizations", {"name": "Globex"}, ADMIN),
    ("GET", "/admin/product-areas", None, ADMIN),
    ("POST", "/admin/product-areas", {"name": "Search"}, ADMIN),
]
OBJECT_ROUTES = [r for r in ROUTES if "{n}" in r[1]]


@pytest.fixture
def world(factory):
    provider = factory.provider()
    reporter = factory.user(Role.REPORTER, org=provider)
    staff = factory.user(Role.RESPONDER, org=provider)
    incident = factory.incident(reporter=reporter)
    return {"reporter": reporter, "staff": staff, "incident": incident, "org": provider}


def fill(world, path, data):
    values = {"n": world["incident"].number, "staff": world["staff"].id, "org": world["org"].id}
    path = path.format(**values)
    data = None if data is None else {k: str(v).format(**values) for k, v in data.items()}
    return path, data


def call(client, method, path, data):
    return client.get(path) if method == "GET" else client.post(path, data=data)


@pytest.mark.parametrize("method,path,data,minimum", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_anonymous_is_sent_to_sign_in(client, world, method, path, data, minimum):
    path, data = fill(world, path, data)
    response = call(client, method, path, data)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("method,path,data,minimum", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_role_matrix(client, factory, login_as, world, role, method, path, data, minimum):
    user = world["reporter"] if role == Role.REPORTER else factory.user(role)
    login_as(user)
    path, data = fill(world, path, data)
    response = call(client, method, path, data)
    if role.at_least(minimum):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/auth/login" not in response.headers["Location"]
    elif role == RESPONDER and path.endswith("/assign"):
        # A responder picking someone else is told so at the field, the rest of the form kept.
        assert response.status_code == 200
        assert "Only managers can assign incidents to someone else." in response.get_data(as_text=True)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize("method,path,data,minimum", OBJECT_ROUTES, ids=[f"{r[0]} {r[1]}" for r in OBJECT_ROUTES])
def test_another_orgs_incident_is_not_found(client, factory, login_as, world, role, method, path, data, minimum):
    outsider = factory.user(role, org=factory.org("Globex"))
    login_as(outsider)
    path, data = fill(world, path, data)
    assert call(client, method, path, data).status_code == 404


def test_a_reporter_cannot_see_someone_elses_incident(client, factory, login_as, world):
    login_as(factory.user(Role.REPORTER))
    assert client.get(f"/incidents/{world['incident'].number}").status_code == 404
    listing = client.get("/incidents/").get_data(as_text=True)
    assert world["incident"].title not in listing


def test_customer_admin_cannot_manage_accounts(client, factory, login_as):
    login_as(factory.user(Role.ADMIN, org=factory.org("Globex")))
    assert client.get("/admin/users").status_code == 403


def test_customer_staff_list_only_their_org(client, factory, login_as, world):
    globex = factory.org("Globex")
    theirs = factory.incident(org=globex, title="Globex checkout broken")
    login_as(factory.user(Role.MANAGER, org=globex))
    listing = client.get("/incidents/").get_data(as_text=True)
    assert theirs.title in listing and world["incident"].title not in listing


def test_provider_staff_see_every_org(client, factory, login_as, world):
    theirs = factory.incident(org=factory.org("Globex"), title="Globex checkout broken")
    login_as(world["staff"])
    listing = client.get("/incidents/").get_data(as_text=True)
    assert theirs.title in listing and world["incident"].title in listing


POST_ROUTES = [r for r in ROUTES if r[0] == "POST"]


@pytest.mark.parametrize("token", [None, "forged", "x" * 4096])
@pytest.mark.parametrize("method,path,data,minimum", POST_ROUTES, ids=[r[1] for r in POST_ROUTES])
def test_every_form_refuses_a_forged_csrf_token(client, db, factory, login_as, world, token,
                                                method, path, data, minimum):
    from app.models import AuditEvent, Organization, ProductArea, User

    login_as(factory.user(Role.ADMIN))
    tables = (AuditEvent, Organization, ProductArea, User)
    before = [db.session.query(t).count() for t in tables]
    path, data = fill(world, path, data)
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 400
    assert "Reload the page and try again." in response.get_data(as_text=True)
    assert [db.session.query(t).count() for t in tables] == before
    db.session.refresh(world["staff"])
    assert world["staff"].active
