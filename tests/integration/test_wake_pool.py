"""Waking the workers never needs a second pooled connection while the committing one is still held."""
import threading

import pytest

from app.extensions import db as _db
from app.outbox.wake import socket_folder
from app.outbox.wakeup import Wakeup
from tests.integration.test_worker_wakeup import queue

ONE_CONNECTION = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 2}}


@pytest.mark.parametrize("config_overrides", [ONE_CONNECTION])
def test_a_commit_wakes_the_worker_with_a_pool_of_one_connection(app, db):
    if _db.engine.dialect.name != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's; SQLite wakes workers with a datagram, without a connection")
    wakeup = Wakeup(_db.engine.url, threading.Event(), folder=socket_folder())
    assert wakeup.listen() is True
    try:
        queue(db, "with-one-connection")
        db.session.commit()
        assert wakeup.wait(30) is True
    finally:
        wakeup.close()
