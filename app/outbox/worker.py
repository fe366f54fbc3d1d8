"""The worker loop behind `flask worker`: run due jobs, seal the audit trail, deliver what is due, wait, repeat.

It waits for a wake-up from whoever commits a new delivery (outbox/wakeup.py), at most one poll interval.
"""
import logging
import signal
import threading

from app.extensions import db
from app.jobs import scheduler
from app.outbox.delivery import deliver_due
from app.outbox.wake import socket_folder
from app.outbox.wakeup import Wakeup
from app.services import audit_seal, rollup, sla_scan

log = logging.getLogger("relay.worker")


class Worker:
    """Runs until stop() (or SIGTERM/SIGINT in the foreground); a stop lets the current delivery finish."""

    def __init__(self, app, poll_seconds=None):
        self.app = app
        self.poll_seconds = poll_seconds or app.config["WORKER_POLL_SECONDS"]
        self.stopping = threading.Event()

    def stop(self, *_signal):
        if not self.stopping.is_set():
            log.info("worker stopping after the current delivery")
        self.stopping.set()

    def tick(self) -> int:
        """One round: due jobs, the SLA breach scan, the audit seal if due, delivery, then the analytics rollup's queued days."""
        with self.app.app_context():
            try:
                scheduler.run_due_jobs()
                sla_scan.scan()
                sla_scan.update_cadence()
                audit_seal.seal_if_due()
                delivered = deliver_due(should_stop=self.stopping.is_set)
                # After delivery: refreshing old weeks can take most of a second, and a page must not wait on it.
                rollup.refresh_dirty()
                return delivered
            except Exception:
                log.exception("worker round failed; trying again shortly")
                db.session.rollback()
                return 0
            finally:
                db.session.remove()

    def run(self):
        with self.app.app_context():
            wakeup = Wakeup(db.engine.url, self.stopping, folder=socket_folder())
        log.info("worker started (%s, at most every %ss)", "woken by new deliveries" if wakeup.listen()
                 else "polling", self.poll_seconds)
        try:
            while not self.stopping.is_set():
                if self.tick() == 0:
                    wakeup.wait(self.poll_seconds)
        finally:
            wakeup.close()
        log.info("worker stopped")

    def run_in_foreground(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.run()

    def start_in_background(self):
        thread = threading.Thread(target=self.run, name="relay-worker", daemon=True)
        thread.start()
        return thread
