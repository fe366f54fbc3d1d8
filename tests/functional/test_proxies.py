"""TRUSTED_PROXY_COUNT: behind nginx the client's address comes from X-Forwarded-For, and only then."""
import pytest
from flask import request

from app import create_app
from tests.conftest import make_config


def app_with(uri, count):
    app = create_app(make_config(uri, TRUSTED_PROXY_COUNT=count))
    app.add_url_rule("/_seen_as", "seen_as", lambda: f"{request.remote_addr} {request.scheme}")
    return app


@pytest.mark.parametrize("count,forwarded,seen", [
    (0, {}, "127.0.0.1 http"),
    (0, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}, "127.0.0.1 http"),  # nobody to believe
    (1, {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}, "203.0.113.9 https"),
    # A client that sends its own X-Forwarded-For only adds to the left of what nginx appends.
    (1, {"X-Forwarded-For": "10.0.0.1, 203.0.113.9"}, "203.0.113.9 http"),
    (1, {"X-Forwarded-For": "not-an-address"}, "not-an-address http"),
    (1, {}, "127.0.0.1 http"),
    (2, {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}, "198.51.100.7 http"),
])
def test_the_client_address_behind_proxies(app, count, forwarded, seen):
    client = app_with(app.config["SQLALCHEMY_DATABASE_URI"], count).test_client()
    assert client.get("/_seen_as", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"}).text == seen


def test_the_sign_in_limit_is_per_client_behind_the_proxy(app, factory):
    proxied = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXY_COUNT=1,
                                     LOGIN_RATE_LIMIT_PER_ADDRESS="2 per minute", WTF_CSRF_ENABLED=False))
    client = proxied.test_client()
    emails = iter(f"who{n}@example.com" for n in range(10))

    def attempt(address):
        return client.post("/auth/login", data={"email": next(emails), "password": "wrong"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt("203.0.113.9") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.7") == 200  # another client behind the same proxy is not locked out
