"""Waiting for a wake-up (outbox/wake.py): LISTEN on PostgreSQL, a Unix datagram socket on SQLite.

Every commit that adds deliveries wakes the workers. On PostgreSQL a worker waits on a
connection of its own for `NOTIFY relay_outbox`; on SQLite it waits on a socket of its own in
the instance folder. Either way it waits at most one poll interval, and a wake-up that arrives
while it is busy waits in the connection or the socket and ends the next wait at once.
"""
import logging
import os
import select
import socket
import time

from app.outbox.wake import NOTIFY_CHANNEL, socket_prefix

log = logging.getLogger("relay.worker")
SLICE = 0.5  # seconds: how soon a stop is noticed while waiting


class Wakeup:
    """Wait for the next committed delivery, or *seconds*, whichever comes first; if nothing can wake us, just wait."""

    def __init__(self, url, stopping, folder=None):
        self.backend = url.get_backend_name()
        self.url = url
        self.folder = folder  # the instance folder's wakeup/, for SQLite
        self.stopping = stopping
        self.connection = None  # PostgreSQL: the LISTENing connection; SQLite: the bound socket
        self.path = None
        self.errors = (OSError, _psycopg().Error) if self.backend == "postgresql" else (OSError,)

    @property
    def listening(self) -> bool:
        return self.connection is not None

    def listen(self) -> bool:
        """Open the connection or socket if there is none yet; False when polling is all there is."""
        if self.connection is None and self.backend == "postgresql":
            self._listen_postgresql()
        elif self.connection is None and self.backend == "sqlite" and self.folder and self.url.database:
            self._bind_socket()
        return self.connection is not None

    def _listen_postgresql(self):
        psycopg = _psycopg()
        try:
            self.connection = psycopg.connect(self.url.set(drivername="postgresql").render_as_string(
                hide_password=False), autocommit=True, connect_timeout=10)
            self.connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except psycopg.Error as error:
            log.warning("worker cannot LISTEN for new deliveries (%s); polling instead", error)
            self.close()

    def _bind_socket(self):
        path = os.path.join(self.folder, f"{socket_prefix(self.url)}{os.getpid()}-{id(self):x}.sock")
        try:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                receiver.bind(path)
            except OSError:
                receiver.close()
                raise
        except OSError as error:  # a read-only instance folder, or a path too long for a socket
            log.warning("worker cannot open %s for wake-ups (%s); polling instead", path, error)
            return
        receiver.setblocking(False)
        self.connection, self.path = receiver, path

    def wait(self, seconds: float) -> bool:
        """True when a delivery was committed, False after *seconds* (or a stop) with none."""
        if not self.listen():
            self.stopping.wait(seconds)
            return False
        deadline = time.monotonic() + seconds
        try:
            while not self.stopping.is_set() and (left := deadline - time.monotonic()) > 0:
                if self._woken(min(left, SLICE)):
                    return True
        except self.errors as error:
            log.warning("worker lost its wake-up connection (%s); polling until it is back", error)
            self.close()
            self.stopping.wait(max(deadline - time.monotonic(), 0))
        return False

    def _woken(self, timeout) -> bool:
        """Whether a wake-up came within *timeout*; those that came with it are used up too."""
        if self.backend == "postgresql":
            if any(True for _ in self.connection.notifies(timeout=timeout, stop_after=1)):
                for _ in self.connection.notifies(timeout=0.001):  # those queued with it wake nothing more
                    pass
                return True
            return False
        if not select.select([self.connection], [], [], timeout)[0]:
            return False
        try:
            while self.connection.recv(16):
                pass
        except BlockingIOError:
            pass
        return True

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a broken connection: nothing more to do
                pass
        if self.path is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass
        self.connection, self.path = None, None


def _psycopg():
    import psycopg  # only where PostgreSQL is used

    return psycopg
