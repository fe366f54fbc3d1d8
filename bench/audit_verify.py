"""Benchmark: appending to the audit hash chain, and `flask audit verify` over many events.

    python bench/audit_verify.py [--events 100000] [--appends 2000] [--database-url URL]

Builds a scratch database through the migrations (a SQLite file by default; pass the
URL of an EMPTY PostgreSQL database to use that). Times --appends events written the
way the app writes them (audit.record, one transaction each), bulk-fills the incident's
chain to --events with correct hashes, then times verify_trail at two batch sizes.
"""
import argparse
import os
import time
from datetime import timedelta

from common import migrate, scratch_app
from sqlalchemy import insert, select, update

from app.extensions import db
from app.models import AuditEvent, AuditHead, Incident, Role, numbered_up_to
from app.models.audit import chain_hash
from app.models.base import utcnow
from app.services import audit
from app.services.audit_verify import verify_trail
from app.services.seed import seed_demo
from app.models import User


def append(count):
    """Write *count* events through audit.record, each in its own transaction; return events/s."""
    actor = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    incident = Incident(number=1, title="Bench", description="", severity="sev3", org_id=actor.org_id,
                        reporter_id=actor.id)
    db.session.add(incident)
    numbered_up_to("incident", 1)
    db.session.commit()
    start = time.perf_counter()
    for i in range(count):
        audit.record(incident, "commented", actor, new=f"note {i}")
        db.session.commit()
    return count / (time.perf_counter() - start), incident, actor


def fill(total, incident, actor):
    """Bulk-insert events up to *total*, hashed exactly as record() would."""
    head = db.session.get(AuditHead, ("incident", incident.id))
    prev, have = head.hash, head.seq
    base, batch = utcnow(), []
    for n in range(have, total):
        row = dict(org_id=incident.org_id, subject_type="incident", subject_id=incident.id, actor_id=actor.id,
                   source="web", action="edited", field="title", old_value=f"title {n}",
                   new_value=f"title {n + 1}", created_at=base + timedelta(microseconds=n), seq=n + 1,
                   prev_hash=prev)
        row["hash"] = prev = chain_hash(row, prev)
        batch.append(row)
        if len(batch) == 5000:
            db.session.execute(insert(AuditEvent.__table__), batch)
            batch.clear()
            print(f"  filled {n + 1:,} / {total:,}", end="\r", flush=True)
    if batch:
        db.session.execute(insert(AuditEvent.__table__), batch)
    db.session.execute(update(AuditHead).where(AuditHead.subject_type == "incident", AuditHead.subject_id == incident.id)
                       .values(seq=max(total, have), hash=prev))
    db.session.commit()
    print(f"  filled {total:,} events            ")


def verify(batch_size):
    db.session.expire_all()
    start = time.perf_counter()
    report, broken = verify_trail(batch_size)
    elapsed = time.perf_counter() - start
    assert broken is None, broken
    return report.checked, report.checked / elapsed, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2_000)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if args.events < 1 or not (0 < args.appends <= args.events):
        parser.error("need 0 < --appends <= --events")
    app = scratch_app(args.database_url)
    with app.app_context():
        migrate()
        seed_demo(log=lambda *_: None)
        rate, incident, actor = append(args.appends)
        print(f"append (audit.record + commit): {rate:,.0f} events/s over {args.appends:,} events")
        fill(args.events, incident, actor)
        for batch_size in (1000, 5000):
            checked, per_second, elapsed = verify(batch_size)
            print(f"verify --batch {batch_size}: {checked:,} events in {elapsed:.2f} s = {per_second:,.0f} events/s")


if __name__ == "__main__":
    os.environ.setdefault("RELAY_ENV", "development")
    main()
