"""Benchmark: deliveries per second of the outbox workers to a local SMTP server.

    python bench/worker_throughput.py [--deliveries 1000] [--database-url URL]
    python bench/worker_throughput.py --database-url postgresql://.../EMPTY_DB \\
        --workers 1,2,4 --latency-ms 200 [--deliveries 200]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that) and starts an SMTP server on
loopback (aiosmtpd) that takes --latency-ms to accept each message, as a real mail
server or Slack does.

Without --workers: queues --deliveries rendered emails and times deliver_due()
draining them in this process (one worker, one leased row at a time).

With --workers: for each count, starts that many real `flask worker` processes,
waits until they are idle, queues --deliveries emails in one commit and times until
the SMTP server holds them all (and every row is marked delivered). On PostgreSQL it
also reports, per delivery, the database transactions and the CPU time spent by the
PostgreSQL backends serving the workers and by the workers themselves, read from
pg_stat_database and /proc: the figures that say where one PostgreSQL runs out.
"""
import argparse
import asyncio
import os
from pathlib import Path
import sys
import tempfile
import time

from common import migrate, scratch_app
from sqlalchemy import delete, func, select, text

from app.extensions import db
from app.models import Delivery, DeliveryState
from app.outbox.delivery import deliver_due
from tests.nodes import start_worker, wait_for
from tests.smtp import Handler, SMTPServer

TICK = os.sysconf("SC_CLK_TCK")


class CountingHandler(Handler):
    """The far end: waits --latency-ms per message and keeps only its recipients (no parsing),
    so the benchmark's own process is not what limits the workers."""

    async def handle_DATA(self, server, session, envelope):
        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.at_once -= 1
        with self.lock:
            self.messages.extend((address.lower(), None) for address in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def queue(count, prefix):
    html = "<p>" + "An incident was declared. " * 40 + "</p>"
    db.session.add_all(Delivery(channel="email", kind="bench", recipient=f"user{n}@example.com",
                                payload={"subject": f"Bench {n}", "text": html[3:-4], "html": html},
                                dedup_key=f"{prefix}-{n}") for n in range(count))
    db.session.commit()


def delivered():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Delivery.state == DeliveryState.DELIVERED))


def cpu_seconds(pids) -> dict:
    """{pid: user + system CPU seconds} of those of *pids* that are alive (Linux /proc)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return seconds


def cpu_used(before: dict, after: dict) -> float:
    """CPU seconds spent between two readings by processes alive at both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def in_process(args, smtp):
    queue(args.deliveries, "bench")
    start = time.perf_counter()
    done = deliver_due()
    elapsed = time.perf_counter() - start
    print(f"one worker in this process: {done} attempted, {delivered()} delivered, {len(smtp.messages)} received "
          f"in {elapsed:.2f} s = {delivered() / elapsed:.0f} deliveries/s")


def postgres_counters():
    if db.engine.dialect.name != "postgresql":
        return None
    db.session.commit()
    time.sleep(1.2)  # statistics reach pg_stat_database within a second
    row = db.session.execute(text("SELECT xact_commit + xact_rollback FROM pg_stat_database"
                                  " WHERE datname = current_database()")).one()
    backends = db.session.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                                       " AND pid <> pg_backend_pid()")).all()
    db.session.commit()
    return row[0], backends


def with_processes(args, smtp, url):
    env = {"RELAY_ENV": "development", "SECRET_KEY": "bench", "DATABASE_URL": url, "MAIL_SERVER": smtp.host,
           "MAIL_PORT": str(smtp.port), "WORKER_POLL_SECONDS": "0.2",
           "RELAY_INPROCESS_WORKER": "0"}
    logs = Path(tempfile.mkdtemp(prefix="relay-bench-workers-"))
    print(f"\nfar end: {args.latency_ms} ms per message; {args.deliveries} deliveries per run; "
          f"one leased row at a time; worker logs in {logs}")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'workers':>7} {'seconds':>8} {'deliveries/s':>13} {'xacts/delivery':>15} "
          f"{'PG CPU ms/delivery':>19} {'worker CPU ms/delivery':>23}")
    results = []
    for count in args.workers:
        db.session.execute(delete(Delivery))
        db.session.commit()
        smtp.handler.messages.clear()
        workers = [start_worker(env, logs / f"w{count}-{n}.log") for n in range(count)]
        try:
            time.sleep(1)  # every worker has polled once and holds its connection
            before = postgres_counters()
            pids = [w.process.pid for w in workers] + (before[1] if before else [])
            cpu_before = cpu_seconds(pids)
            start = time.perf_counter()
            queue(args.deliveries, f"bench-{count}")
            wait_for(lambda: len(smtp.handler.messages) >= args.deliveries, 3600, "the SMTP server to receive all")
            wait_for(lambda: delivered() == args.deliveries, 60, "every row to be marked delivered")
            elapsed = time.perf_counter() - start
            cpu_after = cpu_seconds(pids)
            after = postgres_counters()
        finally:
            for worker in workers:
                worker.stop()
        rate, per = args.deliveries / elapsed, args.deliveries
        worker_ms = cpu_used({p: cpu_before[p] for p in pids[:count] if p in cpu_before}, cpu_after) * 1000 / per
        if before and after:
            xacts = (after[0] - before[0]) / per
            pg_ms = cpu_used({p: cpu_before[p] for p in before[1] if p in cpu_before}, cpu_after) * 1000 / per
            extra = f"{xacts:15.1f} {pg_ms:19.2f}"
        else:
            extra = f"{'-':>15} {'-':>19}"
        print(f"{count:7d} {elapsed:8.2f} {rate:13.1f} {extra} {worker_ms:23.2f}   "
              f"(at once at the far end: {smtp.handler.most_at_once}; load {os.getloadavg()[0]:.1f})", flush=True)
        smtp.handler.most_at_once = 0
        results.append((count, rate))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--database-url", help="an EMPTY database (default: a scratch SQLite file)")
    parser.add_argument("--workers", type=lambda v: [int(n) for n in v.split(",")],
                        help="comma-separated worker process counts, e.g. 1,2,4 (default: one, in this process)")
    parser.add_argument("--latency-ms", type=int, default=0, help="how long the SMTP server takes per message")
    args = parser.parse_args()
    smtp = SMTPServer()
    smtp.handler = CountingHandler()
    smtp.start()
    smtp.slow_down(args.latency_ms / 1000)
    app = scratch_app(args.database_url, MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        with app.app_context():
            migrate()
            if args.workers:
                with_processes(args, smtp, url)
            else:
                in_process(args, smtp)
            db.engine.dispose()
    finally:
        smtp.stop()


if __name__ == "__main__":
    sys.exit(main())
