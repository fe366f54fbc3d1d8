"""Signing in and out: credentials, `next`, deactivated accounts, rate limiting, CSRF."""
import pytest

from app.models import Role
from tests.factories import Factory
from tests.support import flashes


@pytest.fixture
def user(factory):
    return factory.user(Role.RESPONDER, email="sam@example.com")


def login(client, email, password=Factory.PASSWORD, next_url=None, **extra):
    path = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": email, "password": password, **extra})


def test_sign_in_and_out(client, user):
    response = login(client, "  SAM@Example.COM ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sam" in client.get("/").get_data(as_text=True) or client.get("/").status_code == 200
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout", follow_redirects=True)
    assert "You have been signed out." in flashes(response)
    assert client.get("/incidents/").status_code == 302


@pytest.mark.parametrize("email,password", [
    ("sam@example.com", "wrong-password"), ("nobody@example.com", Factory.PASSWORD),
    ("sam@example.com", "x" * 129), ("' OR 1=1 --@x.io", "' OR '1'='1"),
])
def test_wrong_credentials(client, user, email, password):
    response = login(client, email, password)
    assert response.status_code == 200
    assert client.get("/incidents/").status_code == 302


@pytest.mark.parametrize("data,message", [
    ({"email": "", "password": "x"}, "This field is required."),
    ({"email": "sam@example.com", "password": ""}, "This field is required."),
    ({"email": "x" * 300 + "@example.com", "password": "x"}, "Field cannot be longer than 254 characters."),
])
def test_missing_or_oversized_fields_show_inline_errors(client, user, data, message):
    response = client.post("/auth/login", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, factory):
    factory.user(Role.RESPONDER, email="gone@example.com", active=False)
    response = login(client, "gone@example.com")
    assert response.status_code == 200
    assert "Wrong email or password, or the account is deactivated." in flashes(response)


def test_deactivating_ends_an_open_session(client, db, user, login_as):
    login_as(user)
    assert client.get("/incidents/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/incidents/").status_code == 302


@pytest.mark.parametrize("target,expected", [
    ("/incidents/", "/incidents/"),
    ("https://evil.example/phish", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("%2F%2Fevil.example", "/"),
])
def test_next_only_stays_on_site(client, user, target, expected):
    response = login(client, "sam@example.com", next_url=target)
    assert response.headers["Location"] == expected


def test_login_is_rate_limited(client, user):
    for _ in range(10):
        assert login(client, "sam@example.com", "wrong-password").status_code == 200
    response = login(client, "sam@example.com", Factory.PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Someone else from the same address is not locked out by it.
    other = client.post("/auth/login", data={"email": "other@example.com", "password": "x"})
    assert other.status_code == 200


def test_login_without_csrf_token_is_refused(client, user):
    response = login(client, "sam@example.com", csrf_token=None)
    assert response.status_code == 400
    assert client.get("/incidents/").status_code == 302


def test_passwords_are_stored_with_scrypt(db, factory):
    user = factory.user()
    user.set_password("correct horse")
    assert user.password_hash.startswith("scrypt:") and user.check_password("correct horse")
