"""The breach scan: every worker round, pick up the records whose SLA state is due to change, and refresh them.

`sla_check_at` on each record says when its state next changes by itself (a warning or a
breach), so a round reads only the records due now, through an index. Each is locked before
it is refreshed (PostgreSQL: SKIP LOCKED, so two workers share the work and never handle the
same record at once) and committed on its own; a record another worker has just handled is
no longer due when it is read again under the lock.
"""
from datetime import timedelta
import logging

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.extensions import db
from app.models import OPEN_STATUSES, Incident, Severity, Source, Ticket
from app.models.base import utcnow
from app.services.core.events import emit, subscribe_all
from app.services.sla import policy_for, track
from app.services.sla_escalation import refresh

log = logging.getLogger("relay.sla")

BATCH = 500
CADENCE_FLOOR_MINUTES = 5  # no policy asks for updates more often than this  # records read per query; a round goes on until nothing is due


def scan(now=None, limit=None) -> int:
    """Refresh every record whose SLA state is due to change at *now*; return how many were refreshed here."""
    now = now or utcnow()
    handled = 0
    for model in (Incident, Ticket):
        while limit is None or handled < limit:
            ids = db.session.scalars(select(model.id).where(model.sla_check_at <= now)
                                     .order_by(model.sla_check_at).limit(BATCH)).all()
            db.session.rollback()
            if not ids:
                break
            progressed = sum(_refresh_one(model, record_id, now) for record_id in ids)
            handled += progressed
            if not progressed:
                break  # all locked by another worker: theirs to finish
    return handled


def _refresh_one(model, record_id, now) -> bool:
    query = select(model).where(model.id == record_id, model.sla_check_at <= now)
    query = query.with_for_update(skip_locked=True) if db.engine.dialect.name == "postgresql" else query
    try:
        record = db.session.scalar(query)
        if record is None:
            db.session.rollback()
            return False
        updated, held = record.updated_at, _escalated_fields(record)
        refresh(record, now)
        if record.sla_check_at is not None and record.sla_check_at <= now:
            record.sla_check_at = None  # never pick the same record up forever (a clock with no future)
        if _escalated_fields(record) == held:
            # A clock ticking is not an update: keep updated_at (stale reports, "recently updated") as it was.
            record.updated_at = updated
            flag_modified(record, "updated_at")
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        log.exception("SLA refresh of %s %s failed; the next round tries again", model.__name__, record_id)
        return False


def update_cadence(now=None) -> int:
    """Open SEV1/SEV2 incidents quiet for longer than their update cadence: announce each quiet spell.

    The event carries when the incident was last updated (a comment, a move, an edit), so the
    notifier's dedup key makes one prompt per quiet spell however many rounds see it.
    """
    now = now or utcnow()
    quiet = db.session.scalars(select(Incident).where(
        Incident.status.in_(OPEN_STATUSES), Incident.severity.in_([Severity.SEV1, Severity.SEV2]),
        Incident.updated_at < now - timedelta(minutes=CADENCE_FLOOR_MINUTES))).all()
    prompted = 0
    for incident in quiet:
        policy = policy_for(incident.org_id)
        target = policy.target_for("incident", incident.severity.value) if policy else None
        if target is None or not target.update_minutes:
            continue
        if incident.updated_at <= now - timedelta(minutes=target.update_minutes):
            emit("incident.update_due", incident, None, Source.SYSTEM, since=incident.updated_at,
                 cadence_minutes=target.update_minutes)
            prompted += 1
    db.session.commit()
    return prompted


def _escalated_fields(record):
    """What a breach's escalation may change on a record (a change to these is a real update)."""
    return getattr(record, "severity", None), record.assignee_id


def on_change(event):
    """Every change to an incident or ticket recomputes its clocks, inside the change's transaction."""
    if isinstance(event.subject, (Incident, Ticket)) and not db.session.info.get("sla_refreshing"):
        track(event.subject)


CHANGES = ("declared", "created", "status_changed", "assigned", "edited", "commented", "promoted")


def register():
    """Recompute SLA clocks on every change (registered before the notifiers, so their messages see it)."""
    subscribe_all([(tuple(f"{kind}.{change}" for kind in ("incident", "ticket") for change in CHANGES), on_change)])
