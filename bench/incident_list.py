"""Benchmark: incident list and dashboard with many incidents.

    python bench/incident_list.py [--rows 100000] [--database-url URL] [--runs 30]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that), bulk-inserts incidents
across three organizations, then times each page as the server sees it.
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
from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Counter, Incident, IncidentStatus, Organization, ProductArea, Severity, User  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.services.seed import seed_demo  # noqa: E402
from config import DevelopmentConfig, database_url  # noqa: E402

PAGES = [
    ("list, newest first", "/incidents/"),
    ("list, open only", "/incidents/?status=open"),
    ("list, SEV1 + area", "/incidents/?severity=sev1&product_area_id=1"),
    ("list, text search", "/incidents/?q=gateway"),
    ("list, page 2000", "/incidents/?page=2000"),
    ("list, by severity", "/incidents/?sort=severity"),
    ("dashboard", "/"),
    ("analytics, 365 days", "/analytics/?days=365"),
]


def fill(rows):
    seed_demo(log=lambda *_: None)
    orgs = [o.id for o in db.session.scalars(select(Organization))]
    orgs.append(db.session.scalar(insert(Organization).values(name="Globex", slug="globex").returning(Organization.id)))
    users = [u.id for u in db.session.scalars(select(User))]
    areas = [a.id for a in db.session.scalars(select(ProductArea))]
    words = ["gateway", "checkout", "login", "search", "latency", "queue", "disk", "dns", "cert", "cache"]
    now = utcnow()
    statuses = list(IncidentStatus)
    batch = []
    for number in range(1, rows + 1):
        created = now - timedelta(minutes=number)
        batch.append(dict(
            number=number, title=f"{random.choice(words)} {random.choice(words)} problem {number}",
            description="", severity=random.choice(list(Severity)), status=random.choice(statuses),
            product_area_id=random.choice(areas), org_id=random.choice(orgs), reporter_id=random.choice(users),
            assignee_id=random.choice(users + [None]), created_at=created, updated_at=created))
        if len(batch) == 5000:
            db.session.execute(insert(Incident), batch)
            batch.clear()
            print(f"  inserted {number:,} / {rows:,}", end="\r", flush=True)
    if batch:
        db.session.execute(insert(Incident), batch)
    db.session.merge(Counter(name="incident", value=rows))
    db.session.commit()
    print(f"  inserted {rows:,} incidents            ")


def measure(app, runs):
    client = app.test_client()
    client.post("/auth/login", data={"email": "admin@example.com", "password": "admin123"})
    results = []
    for label, path in PAGES:
        client.get(path)  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        results.append((label, statistics.median(times), times[int(len(times) * 0.95) - 1]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows and --runs must be positive")
    scratch = tempfile.mkdtemp(prefix="relay-bench-")
    url = database_url(args.database_url or f"sqlite:///{scratch}/bench.db")
    config = type("BenchConfig", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "DEBUG": False, "LOGIN_RATE_LIMIT": "1000/minute"})
    app = create_app(config)
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        upgrade(directory=str(ROOT / "migrations"))
        fill(args.rows)
        results = measure(app, args.runs)
    print(f"\n{'page':<22} {'p50 ms':>8} {'p95 ms':>8}   ({args.rows:,} incidents, {args.runs} runs, admin sees all)")
    for label, p50, p95 in results:
        print(f"{label:<22} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
