"""The token matrix: who gets 401, 403 and 404, and what a service token may reach."""
from datetime import timedelta

import pytest

from app.models import ApiToken, Incident, Role, Source
from app.models.base import utcnow
from app.services import api_tokens
from tests.api.conftest import ApiClient


@pytest.fixture
def customer(factory):
    return factory.org("Acme")


def test_no_token_is_401_with_a_problem_document(client):
    response = client.get("/api/v1/incidents")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["status"] == 401 and response.json["title"] == "Unauthorized"


@pytest.mark.parametrize("header", ["Bearer", "Bearer rly_nothing", "Basic dXNlcjpwdw==", "Bearer " + "x" * 5000,
                                    "rly_abc", "Bearer rly_\u00e9\u00e9"])
def test_wrong_tokens_are_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_session_cookie_does_not_authenticate(client, login_as, factory):
    login_as(factory.user(Role.ADMIN))
    assert client.get("/api/v1/me").status_code == 401
    from flask.testing import FlaskClient
    response = FlaskClient.open(client, "/api/v1/incidents", method="POST", json={"title": "x", "severity": "sev1"})
    assert response.status_code == 401


def test_expired_and_revoked_tokens_are_401(app, db, client, factory):
    user = factory.user(Role.RESPONDER)
    token, raw = api_tokens.create_personal_token(user, name="ci", scope="read", expires_in_days=7)
    assert ApiClient(client, raw).get("/api/v1/me").status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert ApiClient(client, raw).get("/api/v1/me").status_code == 401
    token2, raw2 = api_tokens.create_personal_token(user, name="ci2", scope="read")
    api_tokens.revoke(user, token2.id)
    assert ApiClient(client, raw2).get("/api/v1/me").status_code == 401


def test_a_deactivated_users_token_is_401(db, client, factory):
    user = factory.user(Role.RESPONDER)
    raw = api_tokens.create_personal_token(user, name="ci", scope="read")[1]
    user.active = False
    db.session.commit()
    assert ApiClient(client, raw).get("/api/v1/me").status_code == 401


def test_only_the_hash_is_stored_and_last_use_is_noted(db, client, factory):
    user = factory.user(Role.RESPONDER)
    token, raw = api_tokens.create_personal_token(user, name="ci", scope="read")
    assert raw.startswith("rly_") and len(raw) > 40
    stored = db.session.get(ApiToken, token.id)
    assert raw not in (stored.token_hash, stored.hint) and stored.token_hash == api_tokens.digest(raw)
    assert stored.last_used_at is None
    me = ApiClient(client, raw).get("/api/v1/me")
    assert me.json["user"]["id"] == user.id and me.json["token"]["scopes"] == ["read"]
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_a_read_token_cannot_write(api_as, factory):
    api = api_as(factory.user(Role.RESPONDER), "read")
    assert api.get("/api/v1/incidents").status_code == 200
    response = api.post("/api/v1/incidents", json={"title": "Down", "severity": "sev2"})
    assert response.status_code == 403 and "write" in response.json["detail"]


def test_admin_endpoints_need_an_admin_token(api_as, factory):
    admin = factory.user(Role.ADMIN)
    assert api_as(admin, "write").post("/api/v1/campaigns", json={"name": "Spring"}).status_code == 403
    created = api_as(admin, "admin").post("/api/v1/campaigns", json={"name": "Spring"})
    assert created.status_code == 201 and created.json["name"] == "Spring"


def test_an_admin_token_of_a_non_admin_still_follows_the_role(api_as, factory):
    response = api_as(factory.user(Role.RESPONDER), "admin").post("/api/v1/campaigns", json={"name": "X"})
    assert response.status_code == 403


def test_another_orgs_record_is_404(api_as, factory, customer):
    other = factory.org("Globex")
    theirs = factory.incident(org=other)
    api = api_as(factory.user(Role.MANAGER, org=customer))
    assert api.get(f"/api/v1/incidents/{theirs.number}").status_code == 404
    assert api.post(f"/api/v1/incidents/{theirs.number}/transitions",
                    json={"status": "investigating"}).status_code == 404
    assert api.get(f"/api/v1/incidents/{theirs.number}/timeline").status_code == 404
    listed = api.get("/api/v1/incidents").json["items"]
    assert theirs.number not in [i["number"] for i in listed]
    assert [o["name"] for o in api.get("/api/v1/organizations").json["items"]] == ["Acme"]


def test_a_reporter_is_403_on_a_transition_of_their_own_incident(api_as, factory, customer):
    reporter = factory.user(Role.REPORTER, org=customer)
    mine = factory.incident(reporter=reporter)
    response = api_as(reporter).post(f"/api/v1/incidents/{mine.number}/transitions",
                                     json={"status": "investigating"})
    assert response.status_code == 403


def test_a_service_token_acts_as_a_service_account_of_its_org(db, client, factory, customer):
    admin = factory.user(Role.ADMIN)
    token, raw = api_tokens.create_service_token(admin, org_id=customer.id, name="Monitoring", role="responder",
                                                 scope="write")
    account = token.user
    assert account.org_id == customer.id and account.role == Role.RESPONDER and token.service
    assert account.external_id("api") is not None and not account.check_password("")
    api = ApiClient(client, raw)
    created = api.post("/api/v1/incidents", json={"title": "Disk full", "severity": "sev2"})
    assert created.status_code == 201
    assert created.json["organization"]["id"] == customer.id
    assert created.json["reporter"]["display_name"] == "Monitoring (service)"
    other = factory.incident(org=factory.org("Globex"))
    assert api.get(f"/api/v1/incidents/{other.number}").status_code == 404
    # Its own org only, even when it asks for another.
    refused = api.post("/api/v1/incidents", json={"title": "x", "severity": "sev2", "org_id": other.org_id})
    assert refused.status_code == 422 and "org_id" in refused.json["errors"]
    timeline = api.get(f"/api/v1/incidents/{created.json['number']}/timeline").json["items"]
    assert timeline[0]["source"] == Source.API.value
    api_tokens.revoke(admin, token.id)
    assert api.get("/api/v1/me").status_code == 401


def test_only_provider_admins_make_service_tokens(factory, customer):
    from app.services.core.errors import Forbidden

    with pytest.raises(Forbidden):
        api_tokens.create_service_token(factory.user(Role.ADMIN, org=customer), org_id=customer.id, name="x")
    with pytest.raises(Forbidden):
        api_tokens.create_service_token(factory.user(Role.MANAGER), org_id=customer.id, name="x")


@pytest.mark.parametrize("fields, field", [
    ({"name": ""}, "name"), ({"name": "a\x00b"}, "name"), ({"name": "x" * 101}, "name"),
    ({"name": "ok", "scope": "root"}, "scope"), ({"name": "ok", "expires_in_days": 3}, "expires_in_days"),
    ({"name": "ok", "expires_in_days": "soon"}, "expires_in_days"),
])
def test_bad_token_requests_name_the_field(factory, fields, field):
    from app.services.core.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        api_tokens.create_personal_token(factory.user(), **fields)
    assert field in error.value.errors


def test_someone_elses_token_cannot_be_revoked(factory):
    from app.services.core.errors import NotFound

    token, _ = api_tokens.create_personal_token(factory.user(), name="mine")
    with pytest.raises(NotFound):
        api_tokens.revoke(factory.user(Role.ADMIN), token.id)


def test_rate_limit_per_token_with_headers(app, api_as, factory):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    user = factory.user()
    first, second = api_as(user, "read"), api_as(user, "read")
    responses = [first.get("/api/v1/me") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[0].headers["X-RateLimit-Limit"] == "3"
    assert responses[1].headers["X-RateLimit-Remaining"] == "1"
    assert responses[3].mimetype == "application/problem+json" and "Retry-After" in responses[3].headers
    assert second.get("/api/v1/me").status_code == 200  # another token has its own budget
