"""Queuing a webhook: a connection the database dropped is replaced at once, and a waiting worker is woken."""
import threading

from sqlalchemy import func, select, text

from app.extensions import db as _db
from app.models import Delivery
from app.outbox.wake import socket_folder
from app.outbox.wakeup import Wakeup
from tests.pagerduty.conftest import PROVIDER_SERVICE
from tests.pagerduty.test_webhooks import sender  # noqa: F401  (a fixture)

INCIDENT = {"id": "PQUEUE1", "title": "Disk full", "service": {"id": PROVIDER_SERVICE, "type": "service_reference"}}


def queued(db):
    return db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.channel == "pagerduty_webhook"))


def test_a_webhook_queued_wakes_a_waiting_worker_and_a_repeat_does_not(db, sender):  # noqa: F811
    wakeup = Wakeup(_db.engine.url, threading.Event(), folder=socket_folder())
    assert wakeup.listen() is True
    try:
        response = sender.event("incident.acknowledged", INCIDENT, webhook_id="wake-1")
        assert response.status_code == 202
        assert wakeup.wait(30) is True
        assert sender.event("incident.acknowledged", INCIDENT, webhook_id="wake-1").json["outcome"] == "duplicate"
        assert wakeup.wait(0.3) is False
    finally:
        wakeup.close()


def test_a_connection_the_database_dropped_is_replaced_and_the_webhook_queued_once(db, sender):  # noqa: F811
    assert sender.event("incident.acknowledged", INCIDENT, webhook_id="before-restart").status_code == 202
    if db.engine.dialect.name == "postgresql":  # as a restart of PostgreSQL would: every other connection ends
        with db.engine.connect() as conn:
            ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        assert ended >= 1
    response = sender.event("incident.resolved", INCIDENT, webhook_id="after-restart")
    assert response.status_code == 202 and response.json["outcome"] == "queued"
    assert sender.event("incident.resolved", INCIDENT, webhook_id="after-restart").json["outcome"] == "duplicate"
    assert queued(db) == 2
