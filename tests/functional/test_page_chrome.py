"""What every page carries: a favicon, a skip link, and controls with names a screen reader can tell apart."""
import re

import pytest
from sqlalchemy import func, select

from app.models import Incident, Role, TicketStatus


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/favicon.ico", "/static/favicon.svg"])
def test_the_favicon_is_served_without_signing_in(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon", "image/svg+xml")


@pytest.mark.parametrize("path", ["/auth/login", "/", "/incidents/", "/tickets/new"])
def test_every_page_links_the_favicon_and_a_skip_link(client, factory, login_as, path):
    if path != "/auth/login":
        login_as(factory.user(Role.MANAGER))
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert 'rel="icon"' in page
    assert re.search(r'<a class="[^"]*visually-hidden-focusable[^"]*" href="#main">Skip to main content</a>', page)
    assert 'id="main"' in page


def test_dismiss_and_close_have_different_names(client, factory, login_as):
    manager = factory.user(Role.MANAGER)
    ticket = factory.ticket(status=TicketStatus.RESOLVED)
    login_as(manager)
    page = client.post(f"/tickets/{ticket.number}/comments", data={"body": "Checked."},
                       follow_redirects=True).get_data(as_text=True)
    assert 'aria-label="Dismiss message"' in page and 'aria-label="Close"' not in page
    assert re.search(r'<button class="btn btn-[a-z-]+" type="submit">Close</button>', page)


def test_the_declare_form_focuses_the_title_and_names_its_button(client, factory, login_as):
    login_as(factory.user(Role.REPORTER))
    page = client.get("/incidents/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*autofocus[^>]*name="title"|<input[^>]*name="title"[^>]*autofocus', page)
    assert 'value="Declare incident"' in page
    assert re.search(r'<option selected value="">Choose a severity', page)


def test_enter_in_the_title_cannot_declare_a_sev3(client, db, factory, login_as):
    login_as(factory.user(Role.REPORTER))
    # What a browser sends when Enter is pressed in the title: every field at its default.
    response = client.post("/incidents/new", data={"title": "Checkout failing", "severity": "",
                                                   "product_area_id": "", "commander_id": "", "description": ""})
    assert response.status_code == 200
    assert "Choose a severity." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0
