"""A real gunicorn with a bare environment is production: the development key opens nothing."""
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from config import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "a-production-key-nobody-else-knows"


def bare_env(tmp_path, **extra):
    """Only what a production needs: a SECRET_KEY and a DATABASE_URL (plus PATH to find programs)."""
    return {"PATH": os.environ["PATH"], "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.db'}", **extra}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, method, path, cookie=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    set_cookie = response.getheader("Set-Cookie") or ""
    match = re.search(r"session=([^;]*)", set_cookie)
    return response.status, response.getheader("Location") or "", text, match.group(1) if match else cookie


def sign_session(secret_key, payload):
    app = Flask("forger")
    app.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(payload)


def read_session(secret_key, cookie):
    app = Flask("reader")
    app.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn -c gunicorn.conf.py run:app on a loopback port, on a migrated and seeded database."""
    env = bare_env(tmp_path, FLASK_APP="run.py")
    for command in ([sys.executable, "-m", "flask", "db", "upgrade"], [sys.executable, "create_users.py"]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "run:app"], cwd=ROOT,
        env=bare_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(port, email, password):
    status, _, page, cookie = request(port, "GET", "/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = f"csrf_token={token}&email={email}&password={password}"
    status, location, _, cookie = request(port, "POST", "/auth/login", cookie, form)
    assert status == 302 and not location.endswith("/auth/login"), "could not sign in"
    return cookie


def test_a_cookie_signed_with_the_development_key_is_refused(gunicorn):
    real = sign_in(gunicorn, "admin%40example.com", "admin123")
    assert request(gunicorn, "GET", "/admin/users", real)[0] == 200

    forged = sign_session(DEVELOPMENT_SECRET_KEY, read_session(SECRET_KEY, real))
    status, location, _, _ = request(gunicorn, "GET", "/admin/users", forged)
    assert status == 302 and "/auth/login" in location


def test_the_development_server_is_not_what_gunicorn_runs(gunicorn):
    status, _, page, _ = request(gunicorn, "GET", "/auth/login")
    assert status == 200 and "admin123" not in page  # the demo hint is shown only outside production


def run_app(tmp_path, **env):
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.db'}", **env}
    return subprocess.run([sys.executable, "-c", "import run"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_a_bare_environment_without_a_secret_key_refuses_to_start(tmp_path):
    result = run_app(tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == \
        "SECRET_KEY is not set: refusing to start in production without one."


@pytest.mark.parametrize("key", [DEVELOPMENT_SECRET_KEY, "testing-secret-key", "change-me"])
def test_a_published_key_refuses_to_start_outside_development(tmp_path, key):
    result = run_app(tmp_path, SECRET_KEY=key)
    assert result.returncode != 0
    assert "published example key" in result.stderr.strip().splitlines()[-1]


def test_gunicorn_refuses_to_start_with_a_bare_environment(tmp_path):
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.db'}",
                   "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    result = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "run:app"],
                            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY is not set: refusing to start in production without one." in result.stderr


def test_development_needs_no_key(tmp_path):
    assert run_app(tmp_path, RELAY_ENV="development").returncode == 0


def test_flask_run_is_development_with_a_bare_environment(tmp_path):
    port = free_port()
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.db'}",
                   "FLASK_APP": "run.py", "RELAY_INPROCESS_WORKER": "0"}
    server = subprocess.Popen([sys.executable, "-m", "flask", "run", "--port", str(port)], cwd=ROOT,
                              env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                status, _, page, _ = request(port, "GET", "/auth/login")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("flask run did not answer")
        assert status == 200 and "admin123" in page  # development shows the demo hint
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_other_flask_commands_are_production(tmp_path):
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.db'}",
                   "FLASK_APP": "run.py"}
    result = subprocess.run([sys.executable, "-m", "flask", "worker", "--once"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
