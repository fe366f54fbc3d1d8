"""Sign-in limits per address and per account, in memory and in Redis (the local server)."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from app import create_app
from app.models import Role
from tests.conftest import make_config
from tests.factories import Factory
from tests.support import Browser

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["memory", "redis"])
def config_overrides(request):
    if request.param == "memory":
        yield {"RATELIMIT_STORAGE_URI": "memory://"}
        return
    prefix = f"relay-defaults-test-{uuid.uuid4().hex}"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "LOGIN_LIMIT_KEY_PREFIX": prefix}
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)


def attempt(app, email, password="wrong-password", address="10.0.0.1"):
    browser = Browser(app, use_cookies=True)
    return browser.post("/auth/login", data={"email": email, "password": password},
                        environ_base={"REMOTE_ADDR": address}).status_code


def test_spraying_many_accounts_from_one_address_slows_down(app, factory):
    emails = [factory.user(email=f"person{n}@example.com").email for n in range(25)]
    statuses = [attempt(app, email) for email in emails]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5
    assert attempt(app, emails[0], address="10.0.0.2") == 200  # another address is not held up


def test_one_account_from_many_addresses_slows_down(app, factory):
    user = factory.user()
    statuses = [attempt(app, user.email, address=f"10.1.0.{n}") for n in range(1, 26)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429] * 15
    assert attempt(app, user.email, Factory.PASSWORD, address="10.2.0.1") == 429  # even the right password, for now
    assert attempt(app, factory.user().email, address="10.1.0.1") == 200  # other accounts are not held up


def test_successful_sign_ins_do_not_count(app, factory):
    users = [factory.user() for _ in range(25)]
    assert {attempt(app, user.email, Factory.PASSWORD) for user in users} == {302}


@pytest.mark.parametrize("email", ["x" * 100_000, "\u202e@example.com", "%ff%fe@example.com", "", " ", "é" * 300])
def test_odd_emails_are_counted_not_errors(app, email):
    statuses = [attempt(app, email, address="10.3.0.1") for _ in range(12)]
    assert set(statuses) <= {200, 429} and statuses[-1] == 429


def test_redis_limits_hold_across_processes(app, factory, config_overrides):
    """A fresh app (as another process or machine would start) still sees the failures counted so far."""
    if config_overrides["RATELIMIT_STORAGE_URI"] != REDIS_URL:
        pytest.skip("memory storage is per process by design")
    user = factory.user()
    for n in range(10):
        assert attempt(app, user.email, address=f"10.4.0.{n}") == 200
    other_process = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], **config_overrides))
    with other_process.app_context():
        assert attempt(other_process, user.email, address="10.4.1.1") == 429
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{config_overrides['LOGIN_LIMIT_KEY_PREFIX']}*"))
    assert keys


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}])
def test_an_unreachable_redis_still_lets_people_sign_in(app, factory):
    user = factory.user(Role.ADMIN)
    assert attempt(app, user.email) == 200
    assert attempt(app, user.email, Factory.PASSWORD) == 302


@pytest.mark.parametrize("env,expected", [
    ({}, "memory://"),
    ({"REDIS_URL": "redis://cache:6379/1"}, "redis://cache:6379/1"),
    ({"REDIS_URL": "redis://cache:6379/1", "RATELIMIT_STORAGE_URI": "redis://limits:6379/2"}, "redis://limits:6379/2"),
])
def test_storage_comes_from_ratelimit_storage_uri_or_redis_url(env, expected):
    environment = {"PATH": os.environ["PATH"], **env}
    result = subprocess.run([sys.executable, "-c", "import config; print(config.Config.RATELIMIT_STORAGE_URI)"],
                            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == expected, result.stderr
