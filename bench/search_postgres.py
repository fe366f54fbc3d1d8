"""Benchmark: dashboard and text search at 100,000 rows on PostgreSQL, with and without trigram indexes.

    python bench/search_postgres.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB
                                    [--rows 100000] [--runs 30] [--filled]
                                    [--compare REF [--rounds 3]]

Builds the schema through the migrations on an EMPTY PostgreSQL database (so the
pg_trgm GIN indexes and search_text columns exist), bulk-inserts incidents and tickets,
runs VACUUM ANALYZE (as autovacuum would on a live database), then times each page as
the server sees it: first with the trigram indexes, then after dropping them (what a
plain scan costs), in one run. --filled reuses a database an earlier run filled.

--compare REF times the same pages on the code at git REF (extracted to a temporary
directory) and on this checkout instead, each in its own process, alternating --rounds
times on the same database, and prints the median of each side's p50s and p95s. The
per-column trigram indexes that code before search_text searched through are created
for it (this checkout's code does not read them), and search_text's indexes are rebuilt
so that both are built in one pass over the rows; nothing is dropped.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from common import ROOT, migrate, print_pages, scratch_app, time_pages
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

# What the lists searched before search_text: ILIKE on each column, through these.
COLUMN_INDEXES = [("ix_incidents_title_trgm", "incidents", "title"),
                  ("ix_incidents_description_trgm", "incidents", "description"),
                  ("ix_tickets_title_trgm", "tickets", "title"), ("ix_tickets_details_trgm", "tickets", "details")]

# Run with a tree as the working directory: its own app and bench/common.py, nothing of another checkout.
CHILD = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
from common import scratch_app, time_pages
app = scratch_app(sys.argv[2], WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
with app.app_context():
    print(json.dumps(time_pages(app, [tuple(p) for p in json.loads(sys.argv[4])], int(sys.argv[3]))))
"""


def time_tree(tree, url, runs):
    """The pages timed by the code in *tree*, in a process of its own: {label: (p50, p95)}."""
    out = subprocess.run([sys.executable, "-c", CHILD, tree, url, str(runs), json.dumps(PAGES)], cwd=tree,
                         env={**os.environ, "RELAY_ENV": "development"}, capture_output=True, text=True, check=True)
    return {label: (p50, p95) for label, p50, p95 in json.loads(out.stdout.strip().splitlines()[-1])}


def compare(url, ref, runs, rounds):
    """Time the pages on *ref* and on this checkout alternately; print the median p50 and p95 of each."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name, table, column in COLUMN_INDEXES:
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"))
        # Built like those, in one pass over the rows: filled row by row, a GIN index is twice the size.
        conn.execute(text("REINDEX INDEX ix_incidents_search_trgm"))
        conn.execute(text("REINDEX INDEX ix_tickets_search_trgm"))
        conn.execute(text("VACUUM ANALYZE"))
    sides = {ref: [], "this checkout": []}
    with tempfile.TemporaryDirectory(prefix="relay-search-reference-") as tree:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        for round_ in range(rounds):
            for side, where in ((ref, tree), ("this checkout", str(ROOT))):
                sides[side].append(time_tree(where, url, runs))
            print(f"  round {round_ + 1} of {rounds} done", flush=True)
    width = 28
    print(f"\n{'page':<{width}} {'p50 / p95 ms, ' + ref:>28} {'this checkout':>16}   "
          f"(median of {rounds} alternating rounds of {runs} runs)")
    for label, _ in PAGES:
        cells = []
        for side in sides:
            p50 = statistics.median(r[label][0] for r in sides[side])
            p95 = statistics.median(r[label][1] for r in sides[side])
            cells.append(f"{p50:.1f} / {p95:.1f}")
        print(f"{label:<{width}} {cells[0]:>28} {cells[1]:>16}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database to fill")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--filled", action="store_true", help="the database was filled by an earlier run")
    parser.add_argument("--compare", metavar="REF", help="time the code at git REF and this checkout alternately")
    parser.add_argument("--rounds", type=int, default=3, help="alternations with --compare")
    args = parser.parse_args()
    if args.rows < 1 or args.runs < 1 or args.rounds < 1:
        parser.error("--rows, --runs and --rounds must be positive")
    if not args.database_url.startswith(("postgres://", "postgresql")):
        parser.error("--database-url must be a PostgreSQL URL")
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()
        if not args.filled:
            fill_incidents(args.rows)
            fill_tickets(args.rows)
            db.session.commit()
            # What autovacuum does to a live database: merge the GIN indexes' pending lists (a bulk fill
            # leaves megabytes there, which every search would scan) and set the visibility map
            # that index-only scans need.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        if args.compare:
            compare(args.database_url, args.compare, args.runs, args.rounds)
            return
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
