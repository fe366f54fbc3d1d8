"""Benchmark: incident list and dashboard with many incidents.

    python bench/incident_list.py [--rows 100000] [--database-url URL] [--runs 30]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that), bulk-inserts incidents
across three organizations, then times each page as the server sees it.
"""
import argparse
import os
import random
from datetime import timedelta

from common import insert_numbered, migrate, print_pages, scratch_app, time_pages
from sqlalchemy import insert, select

from app.extensions import db
from app.models import Incident, IncidentStatus, Organization, ProductArea, Severity, User
from app.models.base import utcnow
from app.services.seed import seed_demo

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

    def incident(number):
        created = now - timedelta(minutes=number)
        return dict(
            number=number, title=f"{random.choice(words)} {random.choice(words)} problem {number}",
            description="", severity=random.choice(list(Severity)), status=random.choice(statuses),
            product_area_id=random.choice(areas), org_id=random.choice(orgs), reporter_id=random.choice(users),
            assignee_id=random.choice(users + [None]), created_at=created, updated_at=created)

    insert_numbered(Incident, rows, incident, "incident", "incidents")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows and --runs must be positive")
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()
        fill(args.rows)
        results = time_pages(app, PAGES, args.runs)
    print_pages(results, f"{args.rows:,} incidents, {args.runs} runs, admin sees all", width=22)

if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
