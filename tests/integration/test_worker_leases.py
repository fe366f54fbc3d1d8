"""Leases per delivery: two real `flask worker` processes and a slow SMTP server send each message once."""
from collections import Counter
import os
from pathlib import Path
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.models import Delivery, DeliveryState
from app.outbox import enqueue

ROOT = Path(__file__).resolve().parents[2]
SECONDS_PER_MESSAGE = 2
LEASE_SECONDS = 5  # above one slow send, far below a batch of them


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several worker processes need PostgreSQL (SKIP LOCKED); SQLite runs one")


def start_worker(app, smtp_server):
    env = dict(os.environ, RELAY_ENV="testing", FLASK_APP="run.py", TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port), WORKER_POLL_SECONDS="0.2",
               WORKER_LEASE_SECONDS=str(LEASE_SECONDS))
    return subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def queue_mail(db, count):
    for n in range(count):
        enqueue("email", "test.mail", f"u{n}@example.com", {"subject": f"m{n}", "text": "x"}, dedup_key=f"lease-{n}")
    db.session.commit()


def wait_until_all_delivered(db, count, seconds):
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()
        delivered = db.session.scalar(select(func.count()).where(Delivery.state == DeliveryState.DELIVERED))
        if delivered == count:
            return
        assert time.monotonic() < deadline, f"only {delivered} of {count} delivered"
        time.sleep(0.2)


def stop(*workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def test_two_workers_and_a_slow_server_send_each_message_exactly_once(app, db, smtp_server):
    smtp_server.slow_down(SECONDS_PER_MESSAGE)
    queue_mail(db, 20)
    workers = [start_worker(app, smtp_server) for _ in range(2)]
    try:
        wait_until_all_delivered(db, 20, seconds=120)
    finally:
        stop(*workers)
    assert Counter(smtp_server.recipients()) == Counter(f"u{n}@example.com" for n in range(20))


def test_a_killed_worker_costs_at_most_one_duplicate_with_the_same_message_id(app, db, smtp_server):
    smtp_server.slow_down(SECONDS_PER_MESSAGE)
    queue_mail(db, 12)
    killed, survivor = start_worker(app, smtp_server), start_worker(app, smtp_server)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 3:
            assert time.monotonic() < deadline, "the workers sent nothing"
            time.sleep(0.05)
        killed.kill()  # mid-batch, most likely mid-send
        killed.wait(timeout=10)
        wait_until_all_delivered(db, 12, seconds=120)
    finally:
        stop(survivor)
    copies = Counter(smtp_server.recipients())
    assert set(copies) == {f"u{n}@example.com" for n in range(12)}
    repeated = [rcpt for rcpt, n in copies.items() if n > 1]
    assert len(repeated) <= 1 and all(copies[rcpt] == 2 for rcpt in repeated)
    for rcpt in repeated:
        assert len({message["Message-ID"] for message in smtp_server.to(rcpt)}) == 1
