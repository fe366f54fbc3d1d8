"""Autocommitted writes that are safe to repeat (PagerDuty's webhook INSERT), on connections lent without a ping.

The app's pool pings the database before it lends a connection (pool_pre_ping), one more round
trip before every request's first statement. A write that can run twice without harm goes
without it: if the database has dropped the connection, the statement fails at once, the pool
forgets its connections, and the write runs again on a new one.
"""
import threading

from flask import current_app
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from app.extensions import db

KEY = "relay.unpinged_engine"
_creating = threading.Lock()


def run_repeatable(work):
    """work(connection) on an autocommitting connection; once more on a new one if the first had been dropped."""
    engine = _engine()
    try:
        with engine.connect() as connection:
            return work(connection)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    with engine.connect() as connection:
        return work(connection)


def _engine():
    if db.engine.dialect.name == "sqlite":  # a file on this machine: the ping costs nothing
        return db.engine.execution_options(isolation_level="AUTOCOMMIT")
    engine = current_app.extensions.get(KEY)
    if engine is None:
        with _creating:
            engine = current_app.extensions.get(KEY)
            if engine is None:
                engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False)
                current_app.extensions[KEY] = engine
    return engine


def dispose(app):
    """Close the connections this app's unpinged engine holds (tests, at the end of each app)."""
    engine = app.extensions.pop(KEY, None)
    if engine is not None:
        engine.dispose()
