"""Benchmark: dashboard and text search at 100,000 rows on PostgreSQL, with and without trigram indexes.

    python bench/search_postgres.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB
                                    [--rows 100000] [--runs 30]

Builds the schema through the migrations on an EMPTY PostgreSQL database (so the
pg_trgm GIN indexes of the "search indexes" migration exist), bulk-inserts incidents
and tickets, runs VACUUM ANALYZE (as autovacuum would on a live database), then times
each page as the server sees it: first with the trigram indexes, then after dropping
them (what a plain scan costs), in one run.
"""
import argparse
import os

from common import migrate, print_pages, scratch_app, time_pages
from incident_list import fill as fill_incidents
from pages_vs_floor import fill_tickets
from sqlalchemy import text

from app.extensions import db

PAGES = [
    ("dashboard", "/"),
    ("incidents, 'gateway'", "/incidents/?q=gateway"),
    ("incidents, 'cert problem 4'", "/incidents/?q=cert%20problem%204"),
    ("incidents, no match", "/incidents/?q=zebra"),
    ("incidents, INC-4242", "/incidents/?q=INC-4242"),
    ("tickets, 'refund'", "/tickets/?q=refund"),
    ("tickets, no match", "/tickets/?q=zebra"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database to fill")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows and --runs must be positive")
    if not args.database_url.startswith(("postgres://", "postgresql")):
        parser.error("--database-url must be a PostgreSQL URL")
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()
        fill_incidents(args.rows)
        fill_tickets(args.rows)
        db.session.commit()
        # What autovacuum does to a live database: merge the GIN indexes' pending lists (a bulk fill
        # leaves megabytes there, which every search would scan) and set the visibility map
        # that index-only scans need.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        indexed = time_pages(app, PAGES, args.runs)
        names = db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")).all()
        for name in names:
            db.session.execute(text(f"DROP INDEX {name}"))
        db.session.commit()
        scanned = time_pages(app, PAGES, args.runs)
    caption = f"{args.rows:,} incidents and tickets, PostgreSQL, {args.runs} runs, admin sees all"
    print_pages(indexed, f"with the trigram indexes; {caption}", width=28)
    print_pages(scanned, "without them: a scan", width=28)


if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
