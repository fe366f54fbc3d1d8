"""The worker is woken by a new delivery's commit on PostgreSQL (LISTEN/NOTIFY) and polls on SQLite."""
import threading

from sqlalchemy.engine import make_url

from app.extensions import db as _db
from app.outbox import enqueue
from app.outbox.wakeup import Wakeup


def queue(db, key):
    enqueue("email", "test.mail", "ann@example.com", {"subject": "s", "text": "t"}, dedup_key=key)


def test_a_committed_delivery_wakes_a_listening_worker_and_a_rolled_back_one_does_not(app, db):
    wakeup = Wakeup(_db.engine.url, threading.Event())
    try:
        if _db.engine.dialect.name != "postgresql":
            assert wakeup.listen() is False and wakeup.wait(0.01) is False  # SQLite: the worker polls
            return
        assert wakeup.listen() is True
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
    finally:
        wakeup.close()


def test_a_stop_ends_the_wait_and_an_unreachable_database_falls_back_to_polling(app, db):
    stopping = threading.Event()
    stopping.set()
    wakeup = Wakeup(_db.engine.url, stopping)
    try:
        assert wakeup.wait(30) is False
    finally:
        wakeup.close()
    nowhere = Wakeup(make_url("postgresql+psycopg://postgres@127.0.0.1:1/relay"), stopping)
    assert nowhere.listen() is False and nowhere.wait(30) is False
