"""Telling waiting workers that deliveries were committed: NOTIFY on PostgreSQL, a datagram on SQLite.

After every commit that added deliveries, the process that wrote them says so. On PostgreSQL
that is a `NOTIFY relay_outbox` in a transaction of its own, never inside the writing one: a
transaction that notifies holds a database-wide lock through its commit and the commit's WAL
flush, so writers that notify commit one at a time (an earlier trigger on `deliveries` did that,
and 8 writers got 5x fewer commits through). On SQLite (one machine) it is a datagram to each
worker's socket in the instance folder. Nothing here ever fails the write: a worker that misses
a wake-up finds the delivery at its next poll (WORKER_POLL_SECONDS).
"""
import hashlib
import logging
import os
import socket

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Delivery

log = logging.getLogger("relay.worker")
NOTIFY_CHANNEL = "relay_outbox"
WOKEN = "relay.outbox_written"  # a key in Session.info: this transaction added deliveries
DUE = "relay.outbox_committed"    # ... and committed: wake the workers once its connection is back in the pool


def register():
    """Wake the workers after every commit that added deliveries (once per process, for every session)."""
    for name, listener in (("after_flush", _note_new_deliveries), ("after_commit", _note_commit),
                           ("after_rollback", _forget), ("after_transaction_end", _wake_after_commit)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _note_new_deliveries(session, _flush_context):
    if any(isinstance(row, Delivery) for row in session.new):
        session.info[WOKEN] = True


def _note_commit(session):
    if session.info.pop(WOKEN, False):
        session.info[DUE] = True


def _wake_after_commit(session, transaction):
    # Only once the session has given its connection back: waking on a second one while holding the
    # first left every thread of a busy server waiting for the pool, all holding the connections.
    if transaction.parent is None and session.info.pop(DUE, False):
        wake_workers()


def _forget(session):
    session.info.pop(WOKEN, None)


def wake_workers(connection=None):
    """Wake every waiting worker of this database; *connection*: an autocommitting one to NOTIFY on."""
    try:
        if db.engine.dialect.name == "postgresql":
            if connection is not None:
                connection.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
            else:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as own:
                    own.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        elif db.engine.dialect.name == "sqlite":
            _send_datagrams(socket_folder(), socket_prefix(db.engine.url))
    except Exception as error:  # the worker's poll is the fallback; the write itself is committed
        log.warning("could not wake the worker (%s); it finds the delivery at its next poll", error)


def socket_folder() -> str:
    return os.path.join(current_app.instance_path, "wakeup")


def socket_prefix(url) -> str:
    """Sockets are named after the database, so workers of another database on this machine sleep on."""
    return "w" + hashlib.sha256(str(url.database or "").encode()).hexdigest()[:10] + "-"


def _send_datagrams(folder, prefix):
    try:
        names = [name for name in os.listdir(folder) if name.startswith(prefix)]
    except FileNotFoundError:  # no worker has waited here yet
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for name in names:
            try:
                sender.sendto(b"!", os.path.join(folder, name))
            except OSError:  # a worker that stopped without tidying up, or one with a wake-up already waiting
                pass
