"""Benchmark: the ticket and incident lists with SLA badges against the same lists without them.

    python bench/sla_badges.py [--rows 10000] [--runs 40] [--database-url URL]

Fills a scratch database (SQLite by default) with tickets carrying every SLA state, signs in
as the demo admin, and requests each list page in rounds, alternating the page with badges and
the same page with the badge cell rendering nothing (the app's `sla_tag` swapped for an empty
one in this process), so both see the same machine load. Prints the median server time of each
and the cost of the badges as a ratio.
"""
import argparse
import os
import random
import statistics
import time
import timeit
from datetime import timedelta

from common import migrate, scratch_app
from sqlalchemy import select, update

from app import list_rows
from app.extensions import db
from app.models import Incident, SlaState, Ticket
from app.models.base import utcnow
from ticket_list import fill

PAGES = [("ticket list", "/tickets/"), ("ticket list, due first", "/tickets/?sort=due"),
         ("at risk or breached", "/tickets/?sla=attention"), ("my tickets", "/tickets/mine")]


def give_states(model):
    now = utcnow()
    states = list(SlaState)
    for state in states:
        db.session.execute(update(model).where(model.id % len(states) == states.index(state)).values(
            sla_state=state, sla_due_at=now + timedelta(minutes=random.randint(-600, 600))))
    db.session.commit()


def timed(client, path):
    start = time.perf_counter()
    response = client.get(path)
    response.get_data()
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    app = scratch_app(args.database_url, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000/minute")
    with app.app_context():
        migrate()
        fill(args.rows)
        give_states(Ticket)
        give_states(Incident)
    badges, nothing = app.jinja_env.globals["sla_tag"], (lambda record: "")

    def use(tag):  # templates call the global; list rows are drawn in Python (app/list_rows.py)
        app.jinja_env.globals["sla_tag"] = list_rows.sla_tag = tag
    client = app.test_client()
    client.post("/auth/login", data={"email": "admin@example.com", "password": "admin123"})
    assert "sla-badge" in client.get("/tickets/").get_data(as_text=True)
    use(nothing)
    assert "sla-badge" not in client.get("/tickets/").get_data(as_text=True)
    use(badges)
    print(f"\n{'page':<24} {'badges ms':>10} {'without ms':>11} {'ratio':>7}   "
          f"({args.rows:,} tickets, {args.runs} alternating rounds, median)")
    for label, path in PAGES:
        with_times, without_times = [], []
        for round_ in range(args.runs + 2):
            order = [(badges, with_times), (nothing, without_times)]
            for tag, times in (order if round_ % 2 else order[::-1]):
                use(tag)
                elapsed = timed(client, path)
                if round_ >= 2:  # the first rounds warm both up
                    times.append(elapsed)
        use(badges)
        a, b = statistics.median(with_times), statistics.median(without_times)
        print(f"{label:<24} {a:10.2f} {b:11.2f} {a / b:7.3f}")
    # The badges alone: what sla_tag costs for one page of rows, without the rest of the request.
    with app.app_context():
        rows = db.session.scalars(select(Ticket).order_by(Ticket.id).limit(app.config["PER_PAGE"])).all()
    with app.test_request_context("/"):
        runs = 200
        elapsed = timeit.timeit(lambda: [badges(row) for row in rows], number=runs) / runs * 1000
    print(f"sla_tag for {len(rows)} rows alone: {elapsed:.2f} ms")


if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
