"""Benchmark: the analytics pages on PostgreSQL with 1,000,000 incidents and 1,000,000 tickets.

    python bench/analytics_pg.py --database-url postgresql://postgres@127.0.0.1/EMPTY_DB
                                 [--incidents 1000000] [--tickets 1000000] [--years 3] [--runs 20]

Builds the schema through the migrations, seeds the demo organizations and users, adds 20
customer organizations, then fills incidents, tickets and first-response comments with
INSERT ... SELECT over generate_series (no ORM, no round trips), spread evenly over --years
years; the newest 0.2% of incidents and 2% of tickets are still open. VACUUM ANALYZE, then
`flask analytics rebuild` fills the rollup (timed; --keep-rollup skips it on a database whose
rollup is built). Then every analytics page and filter (each period, one organization, one
product area, both), some CSV exports and an Acme manager's view are timed server-side (Flask
test client) --runs times after a warm-up; p50 and p95 in ms. Beside them, in the same run, the
main pages on the code before the rollup (the commit before its migration, extracted to a
temporary directory and run in a subprocess) --reference-runs times each, as the reference.
Last, the worker's refresh of the rollup: a round with nothing queued, with 40 records changed
today, with 40 old records changed over 8 weeks (median of 3 rounds each).
"""
import argparse
from datetime import date, datetime, timedelta
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT, migrate, scratch_app, time_pages
from sqlalchemy import select, text

from app.extensions import db
from app.models import Campaign, Incident, IssueType, Organization, ProductArea, Role, Ticket, User, numbered_up_to
from app.services import rollup
from app.services.seed import seed_demo

ROLLUP_MIGRATION = "migrations/versions/eefb3662c96c_analytics_rollup.py"

INCIDENTS = """
INSERT INTO incidents (number, title, description, severity, status, product_area_id, org_id, reporter_id,
                       commander_id, assignee_id, created_at, updated_at, acknowledged_at, mitigated_at,
                       resolved_at, closed_at)
SELECT i, 'bench incident ' || i, '', (ARRAY['sev1','sev2','sev3','sev4'])[1 + (i * 7) % 4], s.status,
       CASE WHEN i % 10 = 0 THEN NULL ELSE (:areas)[1 + i % cardinality(:areas)] END,
       (:orgs)[1 + (i * 13) % cardinality(:orgs)], (:users)[1 + i % cardinality(:users)],
       (:staff)[1 + (i * 3) % cardinality(:staff)], (:staff)[1 + (i * 5) % cardinality(:staff)],
       c.created, c.created,
       CASE WHEN s.status <> 'detected' THEN c.created + c.ack END,
       CASE WHEN s.status NOT IN ('detected', 'investigating') THEN c.created + c.ack + c.fix / 2 END,
       CASE WHEN s.status IN ('resolved', 'postmortem', 'closed') THEN c.created + c.ack + c.fix END,
       CASE WHEN s.status = 'closed' THEN c.created + c.ack + c.fix + interval '2 days' END
FROM generate_series(1, :n) AS i
CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'utc') - i * :step * interval '1 second' AS created,
                           (30 + random() * random() * 7200) * interval '1 second' AS ack,
                           (600 + random() * random() * 172800) * interval '1 second' AS fix) AS c
CROSS JOIN LATERAL (SELECT CASE WHEN i <= :open_n THEN (ARRAY['detected','investigating','mitigated'])[1 + i % 3]
                                ELSE (ARRAY['resolved','postmortem','closed'])[1 + i % 3] END AS status) AS s
"""

TICKETS = """
INSERT INTO tickets (number, title, details, priority, status, campaign_id, issue_type_id, org_id, reporter_id,
                     assignee_id, created_at, updated_at, resolved_at, closed_at)
SELECT i, 'bench ticket ' || i, '', (ARRAY['low','medium','high','critical'])[1 + (i * 7) % 4], s.status,
       (:campaigns)[1 + i % cardinality(:campaigns)], (:kinds)[1 + (i * 3) % cardinality(:kinds)],
       (:orgs)[1 + (i * 13) % cardinality(:orgs)], (:users)[1 + i % cardinality(:users)],
       CASE WHEN i % 5 = 0 THEN NULL ELSE (:staff)[1 + (i * 5) % cardinality(:staff)] END,
       c.created, c.created,
       CASE WHEN s.status IN ('resolved', 'closed') THEN c.created + c.fix END,
       CASE WHEN s.status = 'closed' THEN c.created + c.fix + interval '1 day' END
FROM generate_series(1, :n) AS i
CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'utc') - i * :step * interval '1 second' AS created,
                           (300 + random() * random() * 604800) * interval '1 second' AS fix) AS c
CROSS JOIN LATERAL (SELECT CASE WHEN i <= :open_n THEN (ARRAY['open','in_progress'])[1 + i % 2]
                                ELSE (ARRAY['resolved','closed'])[1 + i % 2] END AS status) AS s
"""

# A first answer from the staff on two tickets in three, a little after they were raised.
COMMENTS = """
INSERT INTO comments (ticket_id, author_id, body, created_at)
SELECT t.id, (:staff)[1 + t.id % cardinality(:staff)], 'Looking into it.',
       t.created_at + (60 + random() * 28800) * interval '1 second'
FROM tickets t WHERE t.id % 3 <> 0
"""


def fill(args):
    seed_demo(log=lambda *_: None)
    db.session.execute(text("INSERT INTO organizations (name, slug, is_provider, slack_channels_private, created_at) "
                            "SELECT 'Customer ' || i, 'customer-' || i, false, true, now() "
                            "FROM generate_series(1, 20) AS i"))
    orgs = list(db.session.scalars(select(Organization.id)))
    users = list(db.session.scalars(select(User.id)))
    staff = list(db.session.scalars(select(User.id).where(User.role != "reporter")))
    areas = list(db.session.scalars(select(ProductArea.id)))
    campaigns = list(db.session.scalars(select(Campaign.id)))
    kinds = list(db.session.scalars(select(IssueType.id)))
    db.session.execute(text("DELETE FROM comments; DELETE FROM tickets; DELETE FROM incidents"))
    seconds = args.years * 365 * 86400
    for label, sql, n, params in (
            ("incidents", INCIDENTS, args.incidents, {"areas": areas, "open_n": max(1, args.incidents // 500)}),
            ("tickets", TICKETS, args.tickets, {"campaigns": campaigns, "kinds": kinds,
                                                "open_n": max(1, args.tickets // 50)})):
        began = time.perf_counter()
        db.session.execute(text(sql), {"n": n, "step": seconds / n, "orgs": orgs, "users": users, "staff": staff,
                                       **params})
        numbered_up_to(label[:-1], n)
        db.session.commit()
        print(f"  {n:,} {label} in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    db.session.execute(text(COMMENTS), {"staff": staff})
    db.session.commit()
    print(f"  first-response comments in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"  VACUUM ANALYZE in {time.perf_counter() - began:.0f} s", flush=True)


def rebuild_rollup():
    """`flask analytics rebuild`, timed."""
    began = time.perf_counter()
    weeks = rollup.rebuild(lambda record, done, total: done % 25 == 0 and print(
        f"  rollup: {record}s, week {done} of {total}", flush=True))
    print(f"rollup rebuilt: {weeks} weeks in {time.perf_counter() - began:.0f} s", flush=True)
    return time.perf_counter() - began


def pages_to_time(acme, area, today):
    """Every page and filter: each period, an organization, a product area, both; CSV exports."""
    custom = f"period=custom&date_from={today - timedelta(days=75)}&date_to={today - timedelta(days=5)}"
    periods = [("7 d", "period=7"), ("30 d", "period=30"), ("90 d", "period=90"), ("12 m", "period=365"),
               ("custom 71 d", custom)]
    filters = [("", ""), (", org", f"&org_id={acme}"), (", area", f"&product_area_id={area}"),
               (", org+area", f"&org_id={acme}&product_area_id={area}")]
    pages = [(f"incidents, {p}{f}", f"/analytics/?{q}{fq}") for p, q in periods for f, fq in filters]
    pages += [(f"tickets, {p}{f}", f"/analytics/tickets?{q}{fq}") for p, q in periods for f, fq in filters[:2]]
    pages += [("CSV incidents by commander, 12 m", "/analytics/incidents/by_commander.csv?period=365"),
              ("CSV incidents longest, 90 d", "/analytics/incidents/longest.csv?period=90"),
              ("CSV tickets by campaign, 12 m", "/analytics/tickets/resolution_by_campaign.csv?period=365"),
              ("CSV incident SLA, 12 m, org", f"/analytics/incidents/sla.csv?period=365&org_id={acme}")]
    return pages


REFERENCE = ["incidents, 30 d", "incidents, 90 d", "incidents, 12 m", "incidents, 90 d, org", "incidents, 90 d, area",
             "tickets, 30 d", "tickets, 90 d", "tickets, 12 m", "CSV incidents by commander, 12 m"]


def reference_ref():
    """The commit before the rollup: the live-query analytics."""
    added = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "-1", "--", ROLLUP_MIGRATION], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return f"{added}^" if added else "HEAD"


def time_reference(url, pages, runs):
    """The same pages on the code before the rollup (extracted to a temporary directory), in a subprocess."""
    with tempfile.TemporaryDirectory(prefix="relay-analytics-reference-") as tree:
        archive = subprocess.run(["git", "archive", reference_ref()], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        out = subprocess.run([sys.executable, "-c", CHILD, tree, url, str(runs), json.dumps(pages)], cwd=tree,
                             capture_output=True, text=True, check=True).stdout
    return {label: (p50, p95) for label, p50, p95 in json.loads(out.strip().splitlines()[-1])}


# Run with the old tree as the working directory: its own app and bench/common.py, nothing of this checkout.
CHILD = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
from common import scratch_app, time_pages
app = scratch_app(sys.argv[2], WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
print(json.dumps(time_pages(app, [tuple(p) for p in json.loads(sys.argv[4])], int(sys.argv[3]))))
"""


def time_refresh(app, rounds):
    """The worker's rollup refresh: a round with nothing queued, with today's changes, with old records changed."""
    results = {}
    with app.app_context():
        today = datetime.combine(date.today(), datetime.min.time())
        for label, since, spread in (("nothing queued", None, 0), ("40 records changed today", today, 0),
                                     ("40 records changed over 8 old weeks", today - timedelta(days=200), 8)):
            times = []
            for _ in range(rounds):
                if since is not None:
                    for model in (Incident, Ticket):
                        for week in range(max(spread, 1)):
                            start = since - timedelta(weeks=week)
                            for record in db.session.scalars(select(model).where(
                                    model.created_at >= start, model.created_at < start + timedelta(days=1))
                                    .limit(20 // max(spread, 1) or 1)):
                                record.title = record.title[:190] + "."
                    db.session.commit()
                began = time.perf_counter()
                rollup.refresh_dirty()
                times.append((time.perf_counter() - began) * 1000)
            results[label] = statistics.median(times)
    return results


def drain():
    """Refresh every queued week, as a running worker keeps doing; the pages are timed with nothing queued."""
    rounds = 0
    while rollup.refresh_dirty():
        rounds += 1
    return rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database to fill")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="time a database this script filled before")
    parser.add_argument("--keep-rollup", action="store_true", help="with --reuse: the rollup is built, skip the rebuild")
    parser.add_argument("--reference-runs", type=int, default=3, help="runs of each page on the code before the rollup")
    args = parser.parse_args()
    if min(args.incidents, args.tickets, args.runs) < 1 or args.years <= 0:
        parser.error("counts and --years must be positive")
    if not args.database_url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        parser.error("--database-url must be a PostgreSQL database")
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()  # with --reuse: brings a database filled by an older version up to date
        if not args.reuse:
            began = time.perf_counter()
            fill(args)
            print(f"filled in {time.perf_counter() - began:.0f} s")
        rebuilt = None if args.keep_rollup else rebuild_rollup()
        print(f"queued weeks refreshed first: {drain()} round(s)")
        acme = db.session.scalar(select(Organization.id).where(Organization.slug == "acme"))
        area = db.session.scalar(select(ProductArea.id).order_by(ProductArea.id))
        if not db.session.scalar(select(User.id).where(User.email == "boss@acme.example.com")):
            boss = User(email="boss@acme.example.com", display_name="Acme manager", role=Role.MANAGER, org_id=acme)
            boss.set_password("boss12345")
            db.session.add(boss)
            db.session.commit()
    pages = pages_to_time(acme, area, date.today())
    results = time_pages(app, pages, args.runs)
    results += [(f"{label} (Acme manager)", p50, p95) for label, p50, p95 in time_pages(
        app, [(label, path) for label, path in pages if label in ("incidents, 90 d", "tickets, 90 d")], args.runs,
        login=("boss@acme.example.com", "boss12345"))]
    reference = time_reference(args.database_url, [p for p in pages if p[0] in REFERENCE], args.reference_runs) \
        if args.reference_runs else {}
    print(f"\n{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'before p50':>11} {'before p95':>11}   "
          f"(PostgreSQL, {args.incidents:,} incidents and {args.tickets:,} tickets over {args.years:g} years, "
          f"{args.runs} runs; before: {args.reference_runs} runs of the code before the rollup)")
    for label, p50, p95 in results:
        before = reference.get(label)
        print(f"{label:<40} {p50:8.1f} {p95:8.1f}" + (f" {before[0]:11.1f} {before[1]:11.1f}" if before else ""))
    print(f"slowest p95: {max(p95 for _, _, p95 in results):.1f} ms; load average now "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\nworker round, rollup refresh (median of 3):")
    for label, ms in time_refresh(app, 3).items():
        print(f"  {label:<40} {ms:8.1f} ms")
    with app.app_context():
        drain()  # the changed weeks, so that the next run starts as this one did
    if rebuilt is not None:
        print(f"full rebuild (flask analytics rebuild): {rebuilt:.0f} s")


if __name__ == "__main__":
    main()
