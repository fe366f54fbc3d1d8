"""Token pages: a personal token on /profile/tokens and a service token on Admin -> Service tokens."""
import re

import pytest

from app.models import ApiToken, Role, User


def _shown_token(response):
    match = re.search(rb'value="(rly_[A-Za-z0-9_-]+)"', response.data)
    return match.group(1).decode() if match else None


def test_create_use_and_revoke_a_personal_token(client, login_as, factory, db):
    user = factory.user(Role.RESPONDER)
    login_as(user)
    assert b"No tokens yet" in client.get("/profile/tokens").data
    created = client.post("/profile/tokens", data={"name": "deploy", "scope": "write", "expires_in_days": "30"})
    raw = _shown_token(created)
    assert created.status_code == 200 and raw and b"not shown again" in created.data
    assert _shown_token(client.get("/profile/tokens")) is None  # shown once
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token = db.session.query(ApiToken).one()
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert b"Revoked" in client.get("/profile/tokens").data


@pytest.mark.parametrize("data, message", [
    ({"name": "", "scope": "read", "expires_in_days": "30"}, b"This field is required"),
    ({"name": "x" * 101, "scope": "read", "expires_in_days": "30"}, b"100 characters"),
    ({"name": "a\x00b", "scope": "read", "expires_in_days": "30"}, b"control characters"),
    ({"name": "ok", "scope": "root", "expires_in_days": "30"}, b"Not a valid choice"),
    ({"name": "ok", "scope": "read", "expires_in_days": "3"}, b"Not a valid choice"),
])
def test_bad_token_forms_come_back_at_the_field(client, login_as, factory, db, data, message):
    login_as(factory.user())
    response = client.post("/profile/tokens", data=data)
    assert response.status_code == 422 and message in response.data, response.data[-2000:]
    assert db.session.query(ApiToken).count() == 0


def test_nobody_revokes_someone_elses_token(client, login_as, factory):
    from app.services import api_tokens

    token, _ = api_tokens.create_personal_token(factory.user(), name="theirs")
    login_as(factory.user(Role.ADMIN))
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/profile/tokens/{token.id}/revoke", data={"csrf_token": None}).status_code == 400


def test_an_admin_makes_a_service_token_for_a_customer(client, login_as, factory, db):
    customer = factory.org("Acme")
    login_as(factory.user(Role.ADMIN))
    created = client.post("/admin/service-tokens", data={"org_id": customer.id, "name": "Monitoring",
                                                          "role": "responder", "scope": "write",
                                                          "expires_in_days": "never"})
    raw = _shown_token(created)
    assert raw, created.data[-3000:]
    account = db.session.query(User).filter_by(display_name="Monitoring (service)").one()
    assert account.org_id == customer.id and account.role == Role.RESPONDER
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json
    assert me["user"]["organization"]["name"] == "Acme" and me["token"]["service"] is True
    token = db.session.query(ApiToken).one()
    client.post(f"/admin/service-tokens/{token.id}/revoke")
    db.session.expire_all()
    assert not db.session.get(User, account.id).active


def test_service_tokens_are_for_admins_only(client, login_as, factory):
    login_as(factory.user(Role.MANAGER))
    assert client.get("/admin/service-tokens").status_code == 403
    refused = client.post("/admin/service-tokens", data={"org_id": 1, "name": "x", "role": "admin",
                                                         "scope": "write", "expires_in_days": "never"})
    assert refused.status_code == 403


def test_a_service_account_cannot_be_an_admin(client, login_as, factory, db):
    login_as(factory.user(Role.ADMIN))
    response = client.post("/admin/service-tokens", data={"org_id": factory.provider().id, "name": "x",
                                                           "role": "admin", "scope": "write",
                                                           "expires_in_days": "never"})
    assert response.status_code == 422 and db.session.query(ApiToken).count() == 0
