"""Bad input on every incident form: a clear error, no 500, nothing written."""
import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Comment, Incident, IncidentStatus, Role
from tests.support import field_errors, flashes


@pytest.fixture
def manager(factory, login_as):
    user = factory.user(Role.MANAGER)
    login_as(user)
    return user


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


VALID = {"title": "Checkout failing", "severity": "sev2", "description": "500s on /pay"}

BAD_DECLARATIONS = [
    ({"title": ""}, "This field is required."),
    ({"title": "   "}, "This field is required."),
    ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
    ({"severity": "sev9"}, "Not a valid choice."),
    ({"severity": ""}, "Choose a severity."),
    ({"product_area_id": "999999"}, "Not a valid choice."),
    ({"product_area_id": "abc"}, "Not a valid choice."),
    ({"commander_id": "-1"}, "Not a valid choice."),
    ({"description": "x" * 20_001}, "Field cannot be longer than 20000 characters."),
    ({"title": "<script>alert(1)</script>' OR 1=1 --", "org_id": "1' OR '1'='1"}, "Not a valid choice."),
]


@pytest.mark.parametrize("changes,message", BAD_DECLARATIONS)
def test_declaring_with_bad_input(client, db, manager, changes, message):
    response = client.post("/incidents/new", data={**VALID, **changes})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "is-invalid" in response.get_data(as_text=True)
    assert count(db, Incident) == 0 and count(db, AuditEvent) == 0


def test_hostile_title_is_escaped(client, db, manager):
    response = client.post("/incidents/new", data={**VALID, "title": "<script>alert(1)</script>"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_commander_from_another_customer_is_refused(client, db, factory, login_as):
    globex = factory.org("Globex")
    customer_manager = factory.user(Role.MANAGER, org=globex)
    outsider = factory.user(Role.RESPONDER, org=factory.org("Initech"))
    login_as(customer_manager)
    response = client.post("/incidents/new", data={**VALID, "commander_id": str(outsider.id)})
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert count(db, Incident) == 0


def test_forged_csrf_is_refused_and_nothing_is_written(client, db, manager):
    for token in (None, "forged", "x" * 5000):
        response = client.post("/incidents/new", data={**VALID, "csrf_token": token})
        assert response.status_code == 400
        assert "Reload the page" in response.get_data(as_text=True)
    assert count(db, Incident) == 0


@pytest.fixture
def incident(factory, manager):
    return factory.incident(reporter=manager, status=IncidentStatus.INVESTIGATING)


@pytest.mark.parametrize("data,message", [
    ({"target": "exploded"}, "Status must be one of"),
    ({"target": ""}, "out of date"),
    ({"target": "detected"}, "cannot move to detected"),
    ({"target": "mitigated", "expected_status": "detected"}, "already investigating"),
    ({"target": "x" * 10_000}, "Status must be one of"),
])
def test_bad_transitions_flash_and_change_nothing(client, db, incident, data, message):
    response = client.post(f"/incidents/{incident.number}/transition", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert any(message in text for text in flashes(response)), flashes(response)
    db.session.refresh(incident)
    assert incident.status == IncidentStatus.INVESTIGATING


@pytest.mark.parametrize("assignee", ["999999", "abc", "-3", "1.5", "x" * 300])
def test_assigning_an_unknown_person(client, db, incident, assignee):
    response = client.post(f"/incidents/{incident.number}/assign", data={"assignee_id": assignee},
                           follow_redirects=True)
    assert response.status_code == 200
    assert any("Choose" in text for text in field_errors(response)), field_errors(response)
    assert 'name="assignee_id"' in response.get_data(as_text=True)
    db.session.refresh(incident)
    assert incident.assignee_id is None


def test_assigning_a_reporter_or_deactivated_user_is_refused(client, db, factory, incident):
    for person in (factory.user(Role.REPORTER), factory.user(Role.RESPONDER, active=False)):
        response = client.post(f"/incidents/{incident.number}/assign", data={"assignee_id": person.id},
                               follow_redirects=True)
        assert any("active responder" in text for text in field_errors(response))
    db.session.refresh(incident)
    assert incident.assignee_id is None


@pytest.mark.parametrize("body,message", [("", "This field is required."), ("   ", "This field is required."),
                                          ("x" * 10_001, "Field cannot be longer than 10000 characters.")])
def test_bad_comments(client, db, incident, body, message):
    response = client.post(f"/incidents/{incident.number}/comments", data={"body": body}, follow_redirects=True)
    assert any(message in text for text in field_errors(response)), field_errors(response)
    assert f"{body}</textarea>" in response.get_data(as_text=True)  # what was typed is kept
    assert count(db, Comment) == 0


def test_bad_edit_shows_inline_errors_and_keeps_the_record(client, db, incident):
    before = incident.title
    response = client.post(f"/incidents/{incident.number}/edit", data={"title": "", "severity": "sev0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This field is required." in page and "Not a valid choice." in page
    db.session.refresh(incident)
    assert incident.title == before


@pytest.mark.parametrize("path", ["/incidents/999999", "/incidents/99999999999999999999", "/incidents/999999/edit", "/incidents/0",
                                  "/incidents/abc", "/incidents/-1"])
def test_unknown_incidents_are_404(client, manager, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["?page=-5", "?page=abc", "?page=999999", "?status=bogus", "?severity=%00",
                                   "?sort=drop+table", "?assignee_id=abc", "?q=" + "x" * 5000,
                                   "?q=%27%20OR%201%3D1--", "?product_area_id=99999999999999999999"])
def test_list_survives_bad_filters(client, manager, query):
    assert client.get("/incidents/" + query).status_code == 200


def test_edit_records_each_changed_field(client, db, incident):
    client.post(f"/incidents/{incident.number}/edit", data={"title": "New title", "severity": "sev1",
                                                           "description": incident.description})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edited")).all()
    assert {(e.field, e.new_value) for e in events} == {("title", "New title"), ("severity", "SEV1")}
