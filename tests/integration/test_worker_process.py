"""`flask worker` as a real process: it stops gracefully on SIGTERM and a SIGKILL loses nothing."""
from datetime import timedelta
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from app.models import Delivery, DeliveryState
from app.models.base import utcnow
from app.outbox import enqueue
from app.outbox.delivery import deliver_due

ROOT = Path(__file__).resolve().parents[2]


def start_worker(app, smtp_server, poll_seconds=0.1):
    env = dict(os.environ, RELAY_ENV="testing", FLASK_APP="run.py", TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port), WORKER_POLL_SECONDS=str(poll_seconds))
    return subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def queue_mail(db, count):
    for n in range(count):
        enqueue("email", "test.mail", f"u{n}@example.com", {"subject": f"m{n}", "text": "x"}, dedup_key=f"p-{n}")
    db.session.commit()


def test_sigterm_finishes_the_current_delivery_and_hands_back_the_rest(app, db, smtp_server):
    smtp_server.slow_down(0.3)
    queue_mail(db, 6)
    worker = start_worker(app, smtp_server)
    wait_for(lambda: len(smtp_server.messages) >= 1)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    assert "worker stopped" in output
    db.session.expire_all()
    assert DeliveryState.SENDING not in {d.state for d in db.session.scalars(select(Delivery))}
    smtp_server.slow_down(0)
    deliver_due()
    assert sorted(smtp_server.recipients()) == sorted(f"u{n}@example.com" for n in range(6))


def test_sigkill_mid_delivery_loses_nothing(app, db, smtp_server):
    smtp_server.slow_down(0.3)
    queue_mail(db, 4)
    worker = start_worker(app, smtp_server)
    wait_for(lambda: len(smtp_server.messages) >= 1)
    worker.kill()
    worker.communicate(timeout=20)
    smtp_server.slow_down(0)
    db.session.expire_all()
    lease = timedelta(seconds=app.config["WORKER_LEASE_SECONDS"] + 1)
    deliver_due(now=utcnow() + lease)
    assert set(smtp_server.recipients()) == {f"u{n}@example.com" for n in range(4)}
    assert {d.state for d in db.session.scalars(select(Delivery))} == {DeliveryState.DELIVERED}
