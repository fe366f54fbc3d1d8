"""Benchmark: deliveries per second of one worker to a local SMTP server.

    python bench/worker_throughput.py [--deliveries 1000] [--database-url URL]

Builds a scratch database through the migrations (a SQLite file by default; pass
the URL of an EMPTY PostgreSQL database to use that), queues --deliveries
rendered emails in the outbox, starts an SMTP server on loopback (aiosmtpd)
and times deliver_due() draining them: one worker, one SMTP connection per
message, one leased row at a time.
"""
import argparse
import time

from common import migrate, scratch_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Delivery, DeliveryState
from app.outbox.delivery import deliver_due
from tests.smtp import SMTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--database-url", help="an EMPTY database (default: a scratch SQLite file)")
    args = parser.parse_args()
    smtp = SMTPServer().start()
    app = scratch_app(args.database_url, MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        migrate()
        html = "<p>" + "An incident was declared. " * 40 + "</p>"
        db.session.add_all(Delivery(channel="email", kind="bench", recipient=f"user{n}@example.com",
                                    payload={"subject": f"Bench {n}", "text": html[3:-4], "html": html},
                                    dedup_key=f"bench-{n}") for n in range(args.deliveries))
        db.session.commit()
        start = time.perf_counter()
        done = deliver_due()
        elapsed = time.perf_counter() - start
        delivered = db.session.scalar(select(func.count()).where(Delivery.state == DeliveryState.DELIVERED))
        db.engine.dispose()
    smtp.stop()
    print(f"{url.split(':')[0]}: {done} attempted, {delivered} delivered, "
          f"{len(smtp.messages)} received in {elapsed:.2f} s = {delivered / elapsed:.0f} deliveries/s")


if __name__ == "__main__":
    main()
