"""Pages speak to the person reading them: a reporter's empty lists, and only the emails someone can get."""
import pytest
from sqlalchemy import select

from app.models import NotificationOptOut, Role
from app.services.notification_kinds import KINDS
from app.services.notification_settings import kinds_for, save_preferences

ADMIN_ONLY = {"ticket.created", "report.stale", "webhook.disabled"}
STAFF_ONLY = {"incident.declared", "incident.assigned", "ticket.assigned", "ticket.overdue", "sla.at_risk", "sla.breached"}


@pytest.mark.parametrize("path", ["/", "/incidents/"])
def test_a_reporter_sees_incidents_they_declared(client, factory, login_as, path):
    login_as(factory.user(Role.REPORTER, org=factory.org("Acme")))
    page = client.get(path).get_data(as_text=True)
    assert "No incidents you declared" in page and "No incidents yet" not in page


def test_a_responder_sees_no_incidents_yet(client, factory, login_as):
    login_as(factory.user(Role.RESPONDER))
    page = client.get("/incidents/").get_data(as_text=True)
    assert "No incidents yet" in page and "you declared" not in page


@pytest.mark.parametrize("role,provider,hidden", [
    (Role.REPORTER, False, ADMIN_ONLY | STAFF_ONLY | {"report.weekly"}),
    (Role.RESPONDER, True, ADMIN_ONLY | {"report.weekly"}),
    (Role.MANAGER, False, ADMIN_ONLY | {"report.weekly"}),
    (Role.MANAGER, True, ADMIN_ONLY),
    (Role.ADMIN, True, set()),
])
def test_preferences_offer_only_emails_a_person_can_get(client, factory, login_as, role, provider, hidden):
    user = factory.user(role, org=factory.provider() if provider else factory.org("Acme"))
    login_as(user)
    page = client.get("/account/notifications").get_data(as_text=True)
    for kind in KINDS:
        assert (kind.label in page) == (kind.name not in hidden), kind.name
    assert {kind.name for kind in kinds_for(user)} == {kind.name for kind in KINDS} - hidden


def test_a_responder_cannot_save_an_admin_only_kind(client, db, factory, login_as):
    responder = factory.user(Role.RESPONDER)
    login_as(responder)
    response = client.post("/account/notifications", data={"kinds": ["ticket.created", "incident.commented"]})
    assert response.status_code == 200 and "is not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalars(select(NotificationOptOut)).all() == []


def test_saving_keeps_opt_outs_of_kinds_not_shown(db, factory):
    manager = factory.user(Role.MANAGER)
    save_preferences(manager, [])
    manager.role = Role.RESPONDER
    db.session.commit()
    save_preferences(manager, ["incident.commented"])
    off = set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == manager.id)))
    assert "report.weekly" in off and "incident.commented" not in off and "incident.status_changed" in off
