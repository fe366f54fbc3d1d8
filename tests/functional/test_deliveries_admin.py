"""The Deliveries admin page and the notification preferences page: permissions, filters, retry, CSRF."""
import re

import pytest
from sqlalchemy import select

from app.models import Delivery, DeliveryState, NotificationOptOut, Role
from tests.support import flashes

ROLES = [Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN]


@pytest.fixture
def outbox(db):
    rows = [
        Delivery(channel="email", kind="incident.declared", recipient="a@example.com", payload={"subject": "Hi A"},
                 dedup_key="d1", state=DeliveryState.DELIVERED, attempts=1),
        Delivery(channel="email", kind="incident.assigned", recipient="bounce@example.com",
                 payload={"subject": "Hi B"}, dedup_key="d2", state=DeliveryState.FAILED, attempts=8,
                 last_error="PermanentFailure: Recipient refused: 550 No such user here"),
        Delivery(channel="slack", kind="incident.declared", recipient="C123", payload={}, dedup_key="d3"),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return {row.dedup_key: row.id for row in rows}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_only_provider_admins_see_deliveries(client, login_as, factory, outbox, role):
    login_as(factory.user(role))
    expected = 200 if role is Role.ADMIN else 403
    assert client.get("/admin/deliveries").status_code == expected
    assert client.post(f"/admin/deliveries/{outbox['d2']}/retry").status_code == (302 if role is Role.ADMIN else 403)


def test_customer_admin_is_refused(client, login_as, factory, outbox):
    login_as(factory.user(Role.ADMIN, org=factory.org("Acme")))
    assert client.get("/admin/deliveries").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, outbox):
    assert "/auth/login" in client.get("/admin/deliveries").headers["Location"]
    assert "/auth/login" in client.post(f"/admin/deliveries/{outbox['d2']}/retry").headers["Location"]


def test_filters_by_state_and_channel_and_shows_the_error(client, login_as, factory, outbox):
    login_as(factory.user(Role.ADMIN))
    failed = client.get("/admin/deliveries?state=failed").get_data(as_text=True)
    assert "bounce@example.com" in failed and "a@example.com" not in failed
    assert "550 No such user here" in failed and "Retry" in failed
    slack = client.get("/admin/deliveries?channel=slack").get_data(as_text=True)
    assert "C123" in slack and "bounce@example.com" not in slack
    both = client.get("/admin/deliveries?state=pending&channel=email").get_data(as_text=True)
    assert "No deliveries" in both


@pytest.mark.parametrize("query", ["state=bogus", "channel=fax", "page=abc", "page=-4", "state=" + "x" * 500])
def test_bad_filters_are_a_message_not_an_error(client, login_as, factory, outbox, query):
    login_as(factory.user(Role.ADMIN))
    response = client.get(f"/admin/deliveries?{query}", follow_redirects=True)
    assert response.status_code == 200


def test_pages(client, login_as, factory, db):
    db.session.add_all(Delivery(channel="email", kind="k", recipient=f"u{n}@example.com", payload={},
                                dedup_key=f"p{n}") for n in range(30))
    db.session.commit()
    login_as(factory.user(Role.ADMIN))
    first, second = client.get("/admin/deliveries").get_data(as_text=True), \
        client.get("/admin/deliveries?page=2").get_data(as_text=True)
    assert "u29@example.com" in first and "u0@example.com" not in first
    assert "u0@example.com" in second and "Page 2 of 2" in second


def test_retry_puts_a_failed_delivery_back_in_line(client, login_as, factory, outbox, db):
    login_as(factory.user(Role.ADMIN))
    response = client.post(f"/admin/deliveries/{outbox['d2']}/retry", follow_redirects=True)
    assert "will be sent again" in " ".join(flashes(response))
    delivery = db.session.get(Delivery, outbox["d2"])
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 0
    again = client.post(f"/admin/deliveries/{outbox['d2']}/retry", follow_redirects=True)
    assert "only failed ones can be retried" in " ".join(flashes(again))


def test_retry_unknown_delivery_is_404(client, login_as, factory):
    login_as(factory.user(Role.ADMIN))
    assert client.post("/admin/deliveries/999999/retry").status_code == 404


@pytest.mark.parametrize("token", [None, "forged"])
def test_retry_with_a_missing_or_forged_csrf_token_changes_nothing(client, login_as, factory, outbox, db, token):
    login_as(factory.user(Role.ADMIN))
    assert client.post(f"/admin/deliveries/{outbox['d2']}/retry", data={"csrf_token": token}).status_code == 400
    assert db.session.get(Delivery, outbox["d2"]).state is DeliveryState.FAILED


def test_retry_goes_back_to_the_filtered_list_but_never_off_site(client, login_as, factory, outbox):
    login_as(factory.user(Role.ADMIN))
    back = client.post(f"/admin/deliveries/{outbox['d2']}/retry", data={"next": "/admin/deliveries?state=failed"})
    assert back.headers["Location"] == "/admin/deliveries?state=failed"
    evil = client.post(f"/admin/deliveries/{outbox['d2']}/retry", data={"next": "https://evil.example/"})
    assert evil.status_code == 400  # a bad `next` is refused outright (issue 9), never followed


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_everyone_can_choose_their_notifications(client, login_as, factory, db, role):
    user = factory.user(role)
    login_as(user)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Incident comments" in page and "always arrives" in page
    response = client.post("/account/notifications", data={"kinds": ["incident.status_changed", "ticket.assigned"]})
    assert response.status_code == 200  # ticket.assigned is not optional: a form error, not a 500
    client.post("/account/notifications", data={"kinds": ["incident.status_changed"]})
    off = set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)))
    assert "incident.commented" in off and "incident.status_changed" not in off and "incident.assigned" not in off
    page = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'value="incident.status_changed"[^>]*checked', page)
    assert not re.search(r'value="incident.commented"[^>]*checked', page)


def test_preferences_need_sign_in_and_a_real_csrf_token(client, login_as, factory, db):
    assert "/auth/login" in client.get("/account/notifications").headers["Location"]
    login_as(factory.user(Role.REPORTER))
    assert client.post("/account/notifications", data={"kinds": [], "csrf_token": "forged"}).status_code == 400
    assert db.session.scalars(select(NotificationOptOut)).all() == []


def test_the_profile_page_links_to_notification_preferences(client, login_as, factory):
    login_as(factory.user(Role.REPORTER))
    assert 'href="/account/notifications"' in client.get("/profile").get_data(as_text=True)
