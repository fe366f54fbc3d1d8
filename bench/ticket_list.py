"""Benchmark: ticket lists, summary and CSV export with many tickets.

    python bench/ticket_list.py [--rows 100000] [--database-url URL] [--runs 30]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that), bulk-inserts tickets across
three organizations and ten campaigns, then times each page as the server sees it.
"""
import argparse
import os
import random
from datetime import timedelta

from common import insert_numbered, migrate, print_pages, scratch_app, time_pages
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models import Campaign, IssueType, Organization, Priority, Ticket, TicketStatus, User
from app.models.base import utcnow
from app.services.seed import seed_demo

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

    def ticket(number):
        created = now - timedelta(minutes=number)
        return dict(
            number=number, title=f"{random.choice(words)} {random.choice(words)} question {number}", details="",
            priority=random.choice(list(Priority)), status=random.choice(list(TicketStatus)),
            campaign_id=campaigns[number % CAMPAIGNS], issue_type_id=random.choice(kinds),
            org_id=random.choice(orgs), reporter_id=random.choice(users),
            assignee_id=random.choice(users + [None]), created_at=created, updated_at=created)

    insert_numbered(Ticket, rows, ticket, "ticket", "tickets")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.rows < CAMPAIGNS or args.runs < 1:
        parser.error(f"--rows must be at least {CAMPAIGNS} and --runs positive")
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()
        fill(args.rows)
        results = time_pages(app, pages(args.rows), args.runs)
    print_pages(results, f"{args.rows:,} tickets, {args.runs} runs, admin sees all")

if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
