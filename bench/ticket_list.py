"""Benchmark: ticket lists, summary and CSV export with many tickets.

    python bench/ticket_list.py [--rows 100000] [--database-url URL] [--runs 30]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that), bulk-inserts tickets across
three organizations and ten campaigns, then times each page as the server sees it.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Campaign, Counter, IssueType, Organization, Priority, Ticket, TicketStatus, User  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.services.seed import seed_demo  # noqa: E402
from config import DevelopmentConfig, database_url  # noqa: E402

CAMPAIGNS = 10  # every tenth ticket is in the first campaign: the CSV export below is rows / 10 tickets


def pages(rows):
    return [
        ("list, newest first", "/tickets/"),
        ("list, open + high", "/tickets/?status=open&priority=high"),
        ("list, campaign+type+date", "/tickets/?campaign_id=2&issue_type_id=1&created_from=2000-01-01"),
        ("list, text search", "/tickets/?q=refund"),
        ("list, by priority", "/tickets/?sort=priority"),
        ("list, page 2000", "/tickets/?page=2000"),
        ("my tickets", "/tickets/mine"),
        ("summary", "/tickets/summary"),
        (f"CSV, {rows // CAMPAIGNS:,} rows", "/tickets/export.csv?campaign_id=1"),
    ]


def fill(rows):
    seed_demo(log=lambda *_: None)
    db.session.execute(delete(Ticket))  # the demo tickets; the benchmark numbers its own
    db.session.execute(delete(Campaign))
    orgs = [o.id for o in db.session.scalars(select(Organization))]
    orgs.append(db.session.scalar(insert(Organization).values(name="Globex", slug="globex").returning(Organization.id)))
    users = [u.id for u in db.session.scalars(select(User))]
    campaigns = [db.session.scalar(insert(Campaign).values(id=n, name=f"Campaign {n}", position=n, active=True)
                                   .returning(Campaign.id)) for n in range(1, CAMPAIGNS + 1)]
    kinds = [k.id for k in db.session.scalars(select(IssueType))]
    words = ["refund", "login", "invoice", "export", "password", "invite", "checkout", "email", "api", "report"]
    now = utcnow()
    batch = []
    for number in range(1, rows + 1):
        created = now - timedelta(minutes=number)
        batch.append(dict(
            number=number, title=f"{random.choice(words)} {random.choice(words)} question {number}", details="",
            priority=random.choice(list(Priority)), status=random.choice(list(TicketStatus)),
            campaign_id=campaigns[number % CAMPAIGNS], issue_type_id=random.choice(kinds),
            org_id=random.choice(orgs), reporter_id=random.choice(users),
            assignee_id=random.choice(users + [None]), created_at=created, updated_at=created))
        if len(batch) == 5000:
            db.session.execute(insert(Ticket), batch)
            batch.clear()
            print(f"  inserted {number:,} / {rows:,}", end="\r", flush=True)
    if batch:
        db.session.execute(insert(Ticket), batch)
    db.session.merge(Counter(name="ticket", value=rows))
    db.session.commit()
    print(f"  inserted {rows:,} tickets            ")


def measure(app, runs, rows):
    client = app.test_client()
    client.post("/auth/login", data={"email": "admin@example.com", "password": "admin123"})
    results = []
    for label, path in pages(rows):
        client.get(path).get_data()  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            response.get_data()  # a streamed export is timed to its last byte
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        results.append((label, statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.rows < CAMPAIGNS or args.runs < 1:
        parser.error(f"--rows must be at least {CAMPAIGNS} and --runs positive")
    scratch = tempfile.mkdtemp(prefix="relay-bench-")
    url = database_url(args.database_url or f"sqlite:///{scratch}/bench.db")
    config = type("BenchConfig", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "DEBUG": False, "LOGIN_RATE_LIMIT": "1000/minute"})
    app = create_app(config)
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        upgrade(directory=str(ROOT / "migrations"))
        fill(args.rows)
        results = measure(app, args.runs, args.rows)
    print(f"\n{'page':<26} {'p50 ms':>8} {'p95 ms':>8}   ({args.rows:,} tickets, {args.runs} runs, admin sees all)")
    for label, p50, p95 in results:
        print(f"{label:<26} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
