"""Idempotency-Key on creates: a retry gets the first answer, never a second record."""
import threading

import pytest
from flask.testing import FlaskClient

from app.models import Comment, Incident, IdempotencyKey, Role, Ticket


@pytest.fixture
def user(factory):
    return factory.user(Role.RESPONDER)


BODY = {"title": "Checkout down", "severity": "sev1"}


def test_the_same_key_and_body_replays_the_first_answer(api_as, user, db):
    api = api_as(user)
    first = api.post("/api/v1/incidents", json=BODY, headers={"Idempotency-Key": "deploy-42"})
    again = api.post("/api/v1/incidents", json=BODY, headers={"Idempotency-Key": "deploy-42"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Incident).count() == 1


def test_the_same_key_with_another_body_is_422(api_as, user, db):
    api = api_as(user)
    api.post("/api/v1/incidents", json=BODY, headers={"Idempotency-Key": "k1"})
    other = api.post("/api/v1/incidents", json={**BODY, "severity": "sev2"}, headers={"Idempotency-Key": "k1"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    assert db.session.query(Incident).count() == 1


def test_keys_belong_to_their_user(api_as, user, factory, db):
    api_as(user).post("/api/v1/incidents", json=BODY, headers={"Idempotency-Key": "same"})
    other = api_as(factory.user(Role.RESPONDER)).post("/api/v1/incidents", json=BODY,
                                                      headers={"Idempotency-Key": "same"})
    assert other.status_code == 201 and other.headers.get("Idempotent-Replayed") is None
    assert db.session.query(Incident).count() == 2


def test_a_refused_create_frees_its_key(api_as, user, db):
    api = api_as(user)
    bad = api.post("/api/v1/incidents", json={**BODY, "product_area_id": 999}, headers={"Idempotency-Key": "k"})
    assert bad.status_code == 422
    assert db.session.query(IdempotencyKey).count() == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "a\tb"])
def test_bad_keys_are_422(api_as, user, key, db):
    response = api_as(user).post("/api/v1/incidents", json=BODY, headers={"Idempotency-Key": key})
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"]
    assert db.session.query(Incident).count() == 0


def test_comments_and_tickets_take_keys_too(api_as, user, factory, db):
    api = api_as(user)
    incident = factory.incident(org=user.org)
    for _ in range(2):
        assert api.post(f"/api/v1/incidents/{incident.number}/comments", json={"body": "hi"},
                        headers={"Idempotency-Key": "c"}).status_code == 201
        assert api.post("/api/v1/tickets", json={"title": "Printer"}, headers={"Idempotency-Key": "t"}
                        ).status_code == 201
    assert db.session.query(Comment).count() == 1 and db.session.query(Ticket).count() == 1


def test_two_identical_creates_at_once_make_one_incident(app, db, token_for, user):
    token = token_for(user)
    results, barrier = [], threading.Barrier(2)

    def send():
        client = app.test_client()
        barrier.wait()
        with app.app_context():
            response = FlaskClient.open(client, "/api/v1/incidents", method="POST", json=BODY,
                                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race"})
            results.append((response.status_code, response.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.remove()
    assert db.session.query(Incident).count() == 1
    codes = sorted(code for code, _ in results)
    # The loser either replays the winner's answer or is told the winner is still at work.
    assert codes in ([201, 201], [201, 409]), results
    created = [body for code, body in results if code == 201]
    assert all(body["number"] == created[0]["number"] for body in created)
