"""Two gunicorn servers and two `flask worker`s on one PostgreSQL database, as a scaled deployment runs.

A file uploaded through one server downloads through the other, a sign-in limit counts
across both (Redis), and the workers share the outbox so each message goes out once.
"""
import importlib.util
import os
import socket
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import Attachment, Delivery, DeliveryState, FileChunk, Role
from app.outbox import enqueue
from config import database_url
from tests.conftest import make_config
from tests.factories import Factory
from tests.nodes import ROOT, Browser, start_server, start_worker, wait_for
from tests.smtp import SMTPServer

SECRET = "two-nodes-test-secret-" + "x" * 40
LOG = b"".join(b"%06d 2026-11-29 19:00:00 ERROR upstream timed out\n" % n for n in range(12000))  # ~ 600 KB
REDIS = ("127.0.0.1", 6379)


def redis_reachable():
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return importlib.util.find_spec("redis") is not None


@pytest.fixture(scope="module")
def database():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith(("postgres://", "postgresql")):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL database: two nodes need one they can share")
    url = make_url(database_url(base))
    name = f"{url.database}_nodes_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory):
    """The test's own app context on the shared database, and the four processes around it."""
    logs = tmp_path_factory.mktemp("nodes")
    smtp = SMTPServer().start()
    app = create_app(make_config(database))
    context = app.app_context()
    context.push()
    upgrade(directory=str(ROOT / "migrations"))
    env = {"RELAY_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database,
           "ATTACHMENT_STORAGE": "database", "SESSION_COOKIE_SECURE": "false", "LOGIN_RATE_LIMIT": "3 per minute",
           "MAIL_SERVER": smtp.host, "MAIL_PORT": str(smtp.port), "WORKER_POLL_SECONDS": "0.1",
           "BASE_URL": "http://relay.test"}
    if redis_reachable():
        env["RATELIMIT_STORAGE_URI"] = "redis://{}:{}/0".format(*REDIS)
    nodes = []
    try:
        for name in ("web-a", "web-b"):
            # Each server has a directory of its own: nothing may be read from another machine's disk.
            nodes.append(start_server({**env, "ATTACHMENTS_DIR": str(logs / f"{name}-files")}, logs / f"{name}.log"))
        for name in ("worker-a", "worker-b"):
            nodes.append(start_worker({**env, "ATTACHMENTS_DIR": str(logs / f"{name}-files")}, logs / f"{name}.log"))
        yield {"app": app, "web": nodes[:2], "smtp": smtp, "files": logs, "redis": "RATELIMIT_STORAGE_URI" in env}
    finally:
        for node in nodes:
            node.stop()
        smtp.stop()
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture(scope="module")
def people(cluster):
    factory = Factory(db)
    responder = factory.user(Role.RESPONDER, email=f"rae-{uuid.uuid4().hex[:6]}@example.com")
    return responder, factory.incident(org=responder.org)


def sign_in(browser, server, email, password=Factory.PASSWORD):
    return browser.post_form(f"{server.url}/auth/login", {"email": email, "password": password})


def test_a_file_uploaded_through_one_server_downloads_through_the_other(cluster, people):
    web_a, web_b = cluster["web"]
    responder, incident = people
    browser = Browser()
    assert sign_in(browser, web_a, responder.email)[0] == 302
    page = f"{web_a.url}/incidents/{incident.number}"
    status, _ = browser.post_file(f"{web_a.url}/attachments/incidents/{incident.number}", "file", "checkout.log",
                                  LOG, page_url=page)
    assert status == 302
    db.session.expire_all()
    attachment = db.session.scalar(select(Attachment).where(Attachment.incident_id == incident.id))
    assert attachment.filename == "checkout.log"
    assert db.session.scalar(select(func.count()).where(FileChunk.storage_key == attachment.storage_key)) > 1

    status, body = browser.request(f"{web_b.url}/attachments/{attachment.id}")
    assert status == 200 and body == LOG
    status, body = browser.request(f"{web_b.url}/incidents/{incident.number}")
    assert status == 200 and b"checkout.log" in body
    stored_on_disk = [files for path, _, files in os.walk(cluster["files"]) if files and path.endswith("-files")]
    assert stored_on_disk == []


def test_the_sign_in_limit_counts_across_both_servers(cluster):
    if not cluster["redis"]:
        pytest.skip("needs Redis at 127.0.0.1:6379 and the redis client for RATELIMIT_STORAGE_URI")
    web_a, web_b = cluster["web"]
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    browser = Browser()
    for server in (web_a, web_b, web_a):  # three wrong passwords, split between the servers
        status, body = sign_in(browser, server, email, "wrong")
        assert status == 200 and b"Wrong email or password" in body
    assert sign_in(browser, web_b, email, "wrong")[0] == 429
    assert sign_in(browser, web_a, email, "wrong")[0] == 429


def test_the_workers_share_the_outbox_and_send_each_message_once(cluster):
    smtp = cluster["smtp"]
    smtp.slow_down(0.2)  # as a real mail server answers: both workers are then busy at once
    recipients = [f"oncall{n}@example.com" for n in range(16)]
    for n, address in enumerate(recipients):
        enqueue("email", "test.mail", address, {"subject": f"Page {n}", "text": "Checkout is down."},
                dedup_key=f"two-nodes-{n}")
    db.session.commit()

    def all_delivered():
        db.session.expire_all()
        states = db.session.scalars(select(Delivery.state).where(Delivery.recipient.in_(recipients))).all()
        return states and set(states) == {DeliveryState.DELIVERED}

    wait_for(all_delivered, 120, "every delivery to be delivered")
    received = [rcpt for rcpt in smtp.recipients() if rcpt in recipients]
    assert sorted(received) == sorted(recipients)  # each exactly once
    assert smtp.handler.most_at_once == 2  # both workers were delivering, neither took the other's rows
