"""The worker is woken by a commit that adds deliveries: NOTIFY on PostgreSQL, a datagram to its socket on SQLite."""
import os
import shutil
import socket
import tempfile
import threading
import time

from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.extensions import db as _db
from app.models import Delivery
from app.outbox import enqueue
from app.outbox.wake import socket_folder, socket_prefix, wake_workers
from app.outbox.wakeup import Wakeup
from tests.integration.test_worker_process import start_worker, wait_for


def queue(db, key):
    enqueue("email", "test.mail", "ann@example.com", {"subject": "s", "text": "t"}, dedup_key=key)


def listening_wakeup(stopping=None):
    wakeup = Wakeup(_db.engine.url, stopping or threading.Event(), folder=socket_folder())
    assert wakeup.listen() is True
    return wakeup


def test_a_committed_delivery_wakes_a_waiting_worker_and_a_rolled_back_one_does_not(app, db):
    wakeup = listening_wakeup()
    try:
        queue(db, "rolled-back")
        db.session.rollback()
        assert wakeup.wait(0.3) is False
        queue(db, "one")
        queue(db, "two")
        db.session.commit()
        assert wakeup.wait(30) is True
        assert wakeup.wait(0.3) is False  # one commit, one wake-up, however many rows it queued
        queue(db, "while-busy")
        db.session.commit()  # before the worker waits again: kept for its next wait
        assert wakeup.wait(30) is True
        db.session.commit()  # a commit that adds no delivery wakes nobody
        assert wakeup.wait(0.3) is False
    finally:
        wakeup.close()


def test_every_waiting_worker_is_woken_and_one_that_stopped_is_no_trouble(app, db):
    first, second, gone = listening_wakeup(), listening_wakeup(), listening_wakeup()
    gone.close()
    try:
        queue(db, "for-both")
        db.session.commit()
        assert first.wait(30) is True and second.wait(30) is True
    finally:
        first.close()
        second.close()


def test_without_a_waiting_worker_a_commit_still_succeeds(app, db, monkeypatch):
    # A short folder of its own: pytest's tmp_path under xdist is too long for a socket's path.
    instance = tempfile.mkdtemp(prefix="relay-")
    monkeypatch.setattr(app, "instance_path", os.path.join(instance, "nowhere"))  # no wakeup/ folder at all
    queue(db, "nobody-waits")
    db.session.commit()
    if _db.engine.dialect.name == "sqlite":  # a socket file nobody is bound to, left by a killed worker
        os.makedirs(socket_folder())
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        stale.bind(os.path.join(socket_folder(), socket_prefix(_db.engine.url) + "1-dead.sock"))
        stale.close()
        wake_workers()
    queue(db, "still-fine")
    db.session.commit()
    shutil.rmtree(instance)
    assert set(db.session.scalars(select(Delivery.dedup_key))) == {"nobody-waits", "still-fine"}


def test_a_stop_ends_the_wait_and_an_unreachable_database_falls_back_to_polling(app, db):
    stopping = threading.Event()
    stopping.set()
    wakeup = Wakeup(_db.engine.url, stopping, folder=socket_folder())
    try:
        assert wakeup.wait(30) is False
    finally:
        wakeup.close()
    nowhere = Wakeup(make_url("postgresql+psycopg://postgres@127.0.0.1:1/relay"), stopping)
    assert nowhere.listen() is False and nowhere.wait(30) is False
    in_memory = Wakeup(make_url("sqlite://"), stopping, folder=socket_folder())  # no file, no other process
    assert in_memory.listen() is False and in_memory.wait(30) is False


def test_a_worker_process_polling_every_ten_minutes_delivers_a_new_mail_at_once(app, db, smtp_server):
    worker = start_worker(app, smtp_server, poll_seconds=600)
    try:
        started = worker.stdout.readline()
        while "worker started" not in started:
            started = worker.stdout.readline()
        assert "woken by new deliveries" in started, started
        for n, key in enumerate(("first", "second"), start=1):
            time.sleep(1)  # not needed, but gives the worker time to be waiting, so the wake-up is what is tested
            queue(db, key)
            db.session.commit()
            wait_for(lambda: len(smtp_server.recipients()) == n, seconds=120)  # long before its next poll
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
