"""The navbar is drawn once per viewer and section (app/chrome.py): what it shows still follows each request."""
import re

import pytest

from app.models import Role
from tests.factories import Factory
from tests.support import Browser


def _signed_in(app, user):
    client = Browser(app)
    assert client.post("/auth/login", data={"email": user.email, "password": Factory.PASSWORD}).status_code == 302
    return client


def _nav(page):
    return re.search(r'<nav class="navbar.*?</nav>', page, re.S).group(0)


def _active(page):
    return re.findall(r'class="nav-link (?:dropdown-toggle )?active"[^>]*>([^<]+)<', _nav(page))


@pytest.mark.parametrize("path, active", [
    ("/incidents/", ["Incidents"]), ("/tickets/", ["All tickets"]), ("/tickets/mine", ["My tickets"]),
    ("/postmortems/", ["Postmortems"]), ("/analytics/", ["Analytics"]), ("/admin/users", ["Admin"]), ("/", []),
])
def test_the_open_section_is_the_active_link(client, factory, login_as, path, active):
    login_as(factory.user(Role.ADMIN))
    assert _active(client.get(path).get_data(as_text=True)) == active


def test_a_new_name_or_role_shows_on_the_next_page(client, db, factory, login_as):
    user = factory.user(Role.REPORTER, name="Rae Reporter")
    login_as(user)
    nav = _nav(client.get("/incidents/").get_data(as_text=True))
    assert "Rae Reporter" in nav and "All tickets" not in nav
    user.display_name, user.role = "Rae Responder", Role.RESPONDER
    db.session.commit()
    nav = _nav(client.get("/incidents/").get_data(as_text=True))
    assert "Rae Responder" in nav and "Rae Reporter" not in nav and "All tickets" in nav


def test_each_session_signs_out_with_its_own_token(app, factory):
    """Two people who share the navbar's drawing each get their own CSRF token in its sign-out form."""
    clients = [_signed_in(app, factory.user(Role.RESPONDER, name="Sam Same")) for _ in range(2)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', _nav(c.get("/incidents/").get_data(as_text=True)))[1]
              for c in clients]
    assert tokens[0] != tokens[1]
    assert clients[0].post("/auth/logout", data={"csrf_token": tokens[1]}).status_code == 400
    for client, token in zip(clients, tokens):
        response = client.post("/auth/logout", data={"csrf_token": token})
        assert response.status_code == 302 and response.location.endswith("/auth/login")
