"""Live pages: each poll is one cheap version check, 304 while nothing changed, the changed parts otherwise."""
import re

import pytest

from app.models import IncidentStatus, Role, Severity
from tests.support import Browser


def etag_of(page):
    return re.search(r'data-live[^>]*data-etag="([0-9a-f]+)"', page).group(1)


def poll(client, url, etag=None):
    headers = {"HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = f'"{etag}"'
    return client.get(url, headers=headers)


@pytest.fixture
def responder(factory, login_as):
    user = factory.user(Role.RESPONDER)
    login_as(user)
    return user


def test_incident_page_answers_304_until_the_incident_changes(client, factory, responder):
    incident = factory.incident(severity=Severity.SEV2)
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    tag = etag_of(page)
    url = f"/incidents/{incident.number}/live"
    assert f'hx-get="{url}"' in page

    unchanged = poll(client, url, tag)
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == f'"{tag}"'

    client.post(f"/incidents/{incident.number}/comments", data={"body": "Rolling back the deploy"})
    changed = poll(client, url, tag)
    body = changed.get_data(as_text=True)
    assert changed.status_code == 200 and changed.headers["ETag"] != f'"{tag}"'
    assert "Rolling back the deploy" in body
    for part in ("live-head", "live-facts", "live-comments", "live-timeline", "live-attachments", "live-description"):
        assert re.search(rf'id="{part}"[^>]*hx-swap-oob="true"', body), part
    # No form the user may be typing in is ever part of the fragment.
    assert 'name="body"' not in body and 'name="assignee_id"' not in body
    assert "private" in changed.headers["Cache-Control"] and "no-cache" in changed.headers["Cache-Control"]
    assert poll(client, url, changed.headers["ETag"].strip('"')).status_code == 304


def test_ticket_page_answers_304_until_the_ticket_changes(client, factory, responder):
    ticket = factory.ticket()
    url = f"/tickets/{ticket.number}/live"
    tag = etag_of(client.get(f"/tickets/{ticket.number}").get_data(as_text=True))
    assert poll(client, url, tag).status_code == 304
    client.post(f"/tickets/{ticket.number}/take")
    changed = poll(client, url, tag)
    assert changed.status_code == 200 and responder.display_name in changed.get_data(as_text=True)
    assert 'id="live-facts" data-testid="key-facts" hx-swap-oob="true"' in changed.get_data(as_text=True)
    assert 'name="resolution_notes"' not in changed.get_data(as_text=True)


@pytest.mark.parametrize("page,live_url", [
    ("/incidents/?status=open&sort=newest", "/incidents/live?status=open&sort=newest"),
    ("/", "/dashboard/live"),
])
def test_incident_list_and_dashboard_answer_304_until_an_incident_changes(client, factory, responder, page, live_url):
    incident = factory.incident(severity=Severity.SEV1)
    html = client.get(page).get_data(as_text=True)
    tag = etag_of(html)
    assert f'hx-get="{live_url.replace("&", "&amp;")}"' in html
    assert poll(client, live_url, tag).status_code == 304
    client.post(f"/incidents/{incident.number}/take")
    changed = poll(client, live_url, tag)
    assert changed.status_code == 200 and 'hx-swap-oob="true"' in changed.get_data(as_text=True)
    assert 'data-testid="running"' in changed.get_data(as_text=True)  # open SEV1


def test_deleting_an_incident_changes_the_list(client, factory, login_as):
    admin = factory.user(Role.ADMIN)
    login_as(admin)
    keep, gone = factory.incident(), factory.incident()
    tag = etag_of(client.get("/incidents/").get_data(as_text=True))
    client.post(f"/incidents/{gone.number}/delete")
    changed = poll(client, "/incidents/live", tag)
    assert changed.status_code == 200 and gone.reference not in changed.get_data(as_text=True)
    assert keep.reference in changed.get_data(as_text=True)


@pytest.mark.parametrize("page,url", [("/tickets/", "/tickets/live"), ("/tickets/mine", "/tickets/mine/live")])
def test_ticket_lists_answer_304_until_a_ticket_changes(client, factory, responder, page, url):
    ticket = factory.ticket(reporter=responder)
    tag = etag_of(client.get(page).get_data(as_text=True))
    assert poll(client, url, tag).status_code == 304
    factory.ticket(reporter=responder, title="Second one")
    changed = poll(client, url, tag)
    assert changed.status_code == 200 and "Second one" in changed.get_data(as_text=True)
    assert ticket.reference in changed.get_data(as_text=True)


def test_the_etag_is_per_viewer(client, factory, login_as):
    """Two people never share a cached fragment: what they may do (and their timezone) differ."""
    incident = factory.incident()
    login_as(factory.user(Role.RESPONDER))
    first = etag_of(client.get(f"/incidents/{incident.number}").get_data(as_text=True))
    login_as(factory.user(Role.MANAGER))
    assert poll(client, f"/incidents/{incident.number}/live", first).status_code == 200


def test_the_edit_page_polls_without_a_body(client, factory, responder):
    incident = factory.incident()
    html = client.get(f"/incidents/{incident.number}/edit").get_data(as_text=True)
    assert f'hx-get="/incidents/{incident.number}/live?parts=none"' in html and "data-stale-notice" in html
    tag = etag_of(html)
    client.post(f"/incidents/{incident.number}/take")
    changed = poll(client, f"/incidents/{incident.number}/live?parts=none", tag)
    assert changed.status_code == 200 and changed.get_data() == b"" and changed.headers["ETag"] != f'"{tag}"'


def test_another_organizations_record_is_a_404_and_a_reporter_gets_no_team_list(client, factory, login_as):
    customer = factory.org("Acme")
    outsider = factory.user(Role.RESPONDER, org=factory.org("Globex"))
    incident, ticket = factory.incident(org=customer), factory.ticket(org=customer)
    login_as(outsider)
    assert poll(client, f"/incidents/{incident.number}/live").status_code == 404
    assert poll(client, f"/tickets/{ticket.number}/live").status_code == 404
    assert poll(client, "/incidents/999999/live").status_code == 404
    reporter = factory.user(Role.REPORTER, org=customer)
    login_as(reporter)
    assert poll(client, f"/incidents/{incident.number}/live").status_code == 404  # not theirs
    assert poll(client, "/tickets/live").status_code == 403
    assert poll(client, "/tickets/mine/live").status_code == 200


def test_the_lists_of_another_organization_do_not_leak_into_the_etag(client, factory, login_as):
    mine, theirs = factory.org("Acme"), factory.org("Globex")
    login_as(factory.user(Role.RESPONDER, org=mine))
    tag = etag_of(client.get("/incidents/").get_data(as_text=True))
    factory.incident(org=theirs)
    assert poll(client, "/incidents/live", tag).status_code == 304


@pytest.mark.parametrize("url", ["/incidents/1/live", "/tickets/1/live", "/incidents/live", "/dashboard/live"])
def test_signed_out_polls_are_sent_to_sign_in(client, url):
    response = poll(client, url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("header", ["", "*", '"x"' * 5000, "W/\"abc\", \"def\"", "\x00\xff", "not-quoted"])
def test_hostile_if_none_match_is_just_a_miss(client, factory, responder, header):
    incident = factory.incident()
    response = client.get(f"/incidents/{incident.number}/live", headers={"If-None-Match": header})
    assert response.status_code in (200, 304)
    if header != "*":
        assert response.status_code == 200


def test_live_polling_can_be_turned_off(app, client, factory, responder):
    app.config["LIVE_POLL_SECONDS"] = 0
    incident = factory.incident()
    assert "data-live " not in client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert "data-live " not in client.get("/incidents/").get_data(as_text=True)


def test_the_sla_scan_changes_the_version_without_touching_updated_at(client, db, factory, responder):
    """The breach scan keeps updated_at; an open page must still notice the new SLA state."""
    from app.models import SlaState
    incident = factory.incident()
    page_tag = etag_of(client.get(f"/incidents/{incident.number}").get_data(as_text=True))
    list_tag = etag_of(client.get("/incidents/").get_data(as_text=True))
    updated = incident.updated_at
    db.session.execute(db.text("UPDATE incidents SET sla_state = 'breached' WHERE id = :id"), {"id": incident.id})
    db.session.commit()
    db.session.refresh(incident)
    assert incident.updated_at == updated
    assert poll(client, f"/incidents/{incident.number}/live", page_tag).status_code == 200
    assert poll(client, "/incidents/live", list_tag).status_code == 200


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER, Role.ADMIN])
@pytest.mark.parametrize("query", ["", "?q=Disk", "?severity=sev2", "?q=nothing+like+this", "?page=9"])
def test_a_list_page_and_its_poll_agree_on_the_version(client, factory, login_as, role, query):
    """The page reads the version with its rows or counts (alone when a list has no rows); the poll reads it alone."""
    user = factory.user(role, org=None if role is Role.ADMIN else factory.org("Acme"))  # the admin sees all
    for title in ("Disk full", "Disk slow", "Queue stuck"):
        factory.incident(title=title, severity=Severity.SEV2, reporter=user, org=user.org)
        factory.ticket(title=title, reporter=user, org=user.org)
    login_as(user)
    pages = [("/incidents/", "/incidents/live"), ("/tickets/mine", "/tickets/mine/live")]
    if role is not Role.REPORTER:
        pages.append(("/tickets/", "/tickets/live"))
    if not query:
        pages.append(("/", "/dashboard/live"))
    for page, url in pages:
        tag = etag_of(client.get(page + query).get_data(as_text=True))
        assert poll(client, url + query, tag).status_code == 304, page + query
