"""Assigning incidents: who may assign whom, and never a closed incident (the same rules as tickets)."""
import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.models import IncidentStatus as S
from app.models import Role
from app.services import incidents
from app.services.core.errors import InvalidTransition, ValidationError


@pytest.mark.parametrize("status", list(S))
def test_a_closed_incident_cannot_be_assigned(db, factory, status):
    manager = factory.user(Role.MANAGER)
    responder = factory.user(Role.RESPONDER)
    incident = factory.incident(status=status)
    if status == S.CLOSED:
        for actor, assignee in [(responder, responder.id), (manager, responder.id), (manager, None)]:
            with pytest.raises(InvalidTransition, match="closed"):
                incidents.assign_incident(actor, incident.number, assignee)
            db.session.rollback()
        assert db.session.get(type(incident), incident.id).assignee_id is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assigned")) is None
    else:
        assert incidents.assign_incident(responder, incident.number, responder.id).assignee_id == responder.id


@pytest.mark.parametrize("status", list(S))
def test_can_take_says_what_assign_incident_enforces(db, factory, status):
    responder = factory.user(Role.RESPONDER)
    incident = factory.incident(status=status)
    assert incidents.can_take(responder, incident) == (status != S.CLOSED)
    assert not incidents.can_take(factory.user(Role.REPORTER), incident)
    assert not incidents.can_take(factory.user(Role.RESPONDER, org=factory.org()), incident)
    if status != S.CLOSED:
        incidents.assign_incident(responder, incident.number, responder.id)
        assert not incidents.can_take(responder, incident)  # already theirs


def test_only_managers_assign_someone_else(db, factory):
    responder, other = factory.user(Role.RESPONDER), factory.user(Role.RESPONDER)
    incident = factory.incident()
    with pytest.raises(ValidationError, match="Only managers can assign incidents"):
        incidents.assign_incident(responder, incident.number, other.id)
    incidents.assign_incident(responder, incident.number, responder.id)
    assert incidents.assign_incident(responder, incident.number, None).assignee_id is None  # drop one's own


def test_the_assign_to_me_button_follows_can_take(client, db, factory, login_as):
    responder = factory.user(Role.RESPONDER)
    open_one, closed_one = factory.incident(), factory.incident(status=S.CLOSED)
    login_as(responder)
    assert "Assign to me" in client.get(f"/incidents/{open_one.number}").get_data(as_text=True)
    assert "Assign to me" not in client.get(f"/incidents/{closed_one.number}").get_data(as_text=True)
    response = client.post(f"/incidents/{closed_one.number}/take", data={}, follow_redirects=True)
    assert response.status_code == 200
