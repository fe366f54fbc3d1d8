"""Waking the worker as soon as a delivery is queued: LISTEN on PostgreSQL, plain polling elsewhere.

Every insert into the outbox notifies `relay_outbox` when its transaction commits (a
trigger on `deliveries`, see models/delivery.py), whatever wrote it. A worker waits on a
connection of its own for that notification, at most one poll interval; a notification
that arrives while it is busy waits in the connection and wakes the next wait at once.
"""
import logging
import time

from app.models.delivery import NOTIFY_CHANNEL

log = logging.getLogger("relay.worker")
SLICE = 0.5  # seconds: how soon a stop is noticed while waiting


class Wakeup:
    """Wait for the next queued delivery, or *seconds*, whichever comes first; without PostgreSQL, just wait."""

    def __init__(self, url, stopping):
        self.url = url if url.get_backend_name() == "postgresql" else None
        self.stopping = stopping
        self.connection = None

    @property
    def listening(self) -> bool:
        return self.connection is not None

    def listen(self) -> bool:
        """Open the listening connection if there is none yet; False when polling is all there is."""
        if self.url is None or self.connection is not None:
            return self.connection is not None
        import psycopg

        try:
            self.connection = psycopg.connect(self.url.set(drivername="postgresql").render_as_string(
                hide_password=False), autocommit=True, connect_timeout=10)
            self.connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except psycopg.Error as error:
            log.warning("worker cannot LISTEN for new deliveries (%s); polling instead", error)
            self.close()
        return self.connection is not None

    def wait(self, seconds: float) -> bool:
        """True when a delivery was queued, False after *seconds* (or a stop) with none."""
        if not self.listen():
            self.stopping.wait(seconds)
            return False
        import psycopg

        deadline = time.monotonic() + seconds
        try:
            while not self.stopping.is_set() and (left := deadline - time.monotonic()) > 0:
                if any(True for _ in self.connection.notifies(timeout=min(left, SLICE), stop_after=1)):
                    for _ in self.connection.notifies(timeout=0.001):  # those queued with it wake nothing more
                        pass
                    return True
        except psycopg.Error as error:
            log.warning("worker lost its LISTEN connection (%s); polling until it is back", error)
            self.close()
            self.stopping.wait(max(deadline - time.monotonic(), 0))
        return False

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection: nothing more to do
                pass
        self.connection = None
