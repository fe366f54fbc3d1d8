"""Benchmark: the analytics pages on PostgreSQL with 1,000,000 incidents and 1,000,000 tickets.

    python bench/analytics_pg.py --database-url postgresql://postgres@127.0.0.1/EMPTY_DB
                                 [--incidents 1000000] [--tickets 1000000] [--years 3] [--runs 20]

Builds the schema through the migrations, seeds the demo organizations and users, adds 20
customer organizations, then fills incidents, tickets and first-response comments with
INSERT ... SELECT over generate_series (no ORM, no round trips), spread evenly over --years
years; the newest 0.2% of incidents and 2% of tickets are still open. VACUUM ANALYZE, then
each analytics page is timed server-side (Flask test client, signed in as the demo admin, who
sees every organization) --runs times after a warm-up; p50 and p95 in ms. The CSV export of
the largest table is timed too.
"""
import argparse
import time

from common import migrate, print_pages, scratch_app, time_pages
from sqlalchemy import select, text

from app.extensions import db
from app.models import Campaign, Counter, IssueType, Organization, ProductArea, User
from app.services.seed import seed_demo

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
        db.session.merge(Counter(name=label[:-1], value=n))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database to fill")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="time a database this script filled before")
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
        orgs = list(db.session.scalars(select(Organization.id)))
        acme = db.session.scalar(select(Organization.id).where(Organization.slug == "acme"))
    pages = [
        ("incidents, 30 days", "/analytics/?period=30"),
        ("incidents, 90 days", "/analytics/?period=90"),
        ("incidents, 12 months", "/analytics/?period=365"),
        ("incidents, 90 d, one org", f"/analytics/?period=90&org_id={acme or orgs[-1]}"),
        ("incidents, 90 d, one area", "/analytics/?period=90&product_area_id=1"),
        ("tickets, 30 days", "/analytics/tickets?period=30"),
        ("tickets, 90 days", "/analytics/tickets?period=90"),
        ("tickets, 12 months", "/analytics/tickets?period=365"),
        ("CSV by commander, 12 m", "/analytics/incidents/by_commander.csv?period=365"),
    ]
    results = time_pages(app, pages, args.runs)
    print_pages(results, f"PostgreSQL, {args.incidents:,} incidents and {args.tickets:,} tickets over "
                         f"{args.years:g} years, {args.runs} runs", width=28)


if __name__ == "__main__":
    main()
