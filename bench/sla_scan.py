"""Benchmark: the SLA breach scan over 100,000 open tickets on PostgreSQL, time per pass.

    python bench/sla_scan.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB [--rows 100000]

Fills an EMPTY database through the migrations with open tickets under the default policy
(each with its timeline's creation event), then times, in one run:
- a pass with nothing due (what almost every worker round does): the indexed look-up only;
- passes with DUE records due (their warning or breach time has come): refresh, announce, notify;
- the reference: recomputing every open ticket's clock in turn (what a scan without the stored
  `sla_check_at` would have to do), timed on a sample and given per record and per 100,000.
"""
import argparse
import statistics
import time
from datetime import timedelta

from common import migrate, scratch_app
from sqlalchemy import func, insert, select, update

from app.extensions import db
from app.models import AuditEvent, AuditHead, Priority, Ticket, TicketStatus, numbered_up_to
from app.models.audit import GENESIS_HASH
from app.models.base import utcnow
from app.services.seed import seed_demo
from app.services.sla import clocks, track
from app.services.sla_scan import scan

BATCH = 5000


def fill(rows):
    seed_demo(log=lambda *_: None)
    reporter = db.session.scalar(select(func.min(Ticket.reporter_id)))
    org = db.session.scalar(select(func.min(Ticket.org_id)))
    start = db.session.scalar(select(func.max(Ticket.id))) or 0
    now = utcnow()
    priorities = list(Priority)
    for first in range(1, rows + 1, BATCH):
        numbers = range(first, min(first + BATCH, rows + 1))
        db.session.execute(insert(Ticket), [dict(
            id=start + n, number=1000 + n, title=f"Ticket {n}", details="", priority=priorities[n % 4],
            status=TicketStatus.OPEN, org_id=org, reporter_id=reporter, created_at=now - timedelta(minutes=n % 600),
            updated_at=now, sla_check_at=now + timedelta(days=30)) for n in numbers])
        db.session.execute(insert(AuditEvent), [dict(
            org_id=org, subject_type="ticket", subject_id=start + n, actor_id=reporter, source="system",
            action="created", created_at=now - timedelta(minutes=n % 600), seq=1, prev_hash=GENESIS_HASH,
            hash="0" * 64) for n in numbers])
        db.session.execute(insert(AuditHead), [dict(subject_type="ticket", subject_id=start + n, seq=1,
                                                    hash="0" * 64) for n in numbers])
        db.session.commit()
        print(f"  inserted {numbers[-1]:,} / {rows:,}", end="\r", flush=True)
    numbered_up_to("ticket", 1000 + rows)
    db.session.commit()
    print(f"  inserted {rows:,} open tickets")
    return start


def make_due(start, first, count, now):
    db.session.execute(update(Ticket).where(Ticket.id > start + first, Ticket.id <= start + first + count)
                       .values(sla_check_at=now - timedelta(minutes=1)))
    db.session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000, help="records due in each busy pass")
    parser.add_argument("--sample", type=int, default=2000, help="records recomputed for the reference")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = scratch_app(args.database_url)
    with app.app_context():
        migrate()
        start = fill(args.rows)
        db.session.execute(func.now())
        db.session.commit()
        print("ANALYZE")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        now = utcnow()
        idle = []
        for _ in range(args.runs * 4):
            begin = time.perf_counter()
            assert scan(now) == 0
            idle.append((time.perf_counter() - begin) * 1000)
        busy = []
        for run in range(args.runs):
            make_due(start, run * args.due, args.due, now)
            begin = time.perf_counter()
            handled = scan(now)
            busy.append((time.perf_counter() - begin) * 1000)
            assert handled == args.due, handled
        sample = db.session.scalars(select(Ticket).where(Ticket.id > start + args.runs * args.due)
                                    .order_by(Ticket.id).limit(args.sample)).all()
        begin = time.perf_counter()
        for ticket in sample:
            track(ticket, now)
        db.session.commit()
        per_record = (time.perf_counter() - begin) * 1000 / len(sample)
        assert clocks(sample[0], now) is not None
    busy_each = statistics.median(busy) / args.due
    print(f"\nSLA scan over {args.rows:,} open tickets (PostgreSQL), median of the passes:")
    print(f"  pass with nothing due:                 {statistics.median(idle):8.2f} ms")
    print(f"  pass with {args.due:,} due (refresh+notify):  {statistics.median(busy):8.1f} ms "
          f"({busy_each:.2f} ms per record due)")
    print(f"  reference, recompute every open record: {per_record:8.2f} ms per record "
          f"= {per_record * args.rows / 1000:,.0f} s per pass over {args.rows:,}")
    print(f"  idle pass vs full recompute: {per_record * args.rows / statistics.median(idle):,.0f}x less time")


if __name__ == "__main__":
    main()
