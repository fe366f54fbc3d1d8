"""Keeping the analytics rollup current: changed days are queued with the change, the worker refreshes them.

Every flush that adds, changes or removes an incident, a ticket or a ticket's comment writes the
days it touches (the record's creation day, its resolution day before and after) to
analytics_dirty_days in the same transaction. Each worker round takes queued days (DELETE ...
RETURNING sees only committed rows, so a change committed later stays queued for the next
round) and recomputes their day cells and their week's cells from the records. Until then the
pages compute those days live (services/rollup_read.py), so they are never stale, only slower.
"""
from datetime import date, datetime, timedelta
import json

from sqlalchemy import delete, event, func, insert, inspect, literal, select, text, true
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Comment, Incident, Ticket
from app.models.analytics_rollup import DAY, WEEK, DirtyDay, RollupCell
from app.services import histograms
from app.services.rollup_cells import SOURCES, compute, longest_first, midnight, monday_of

RECORDS = {Incident: "incident", Ticket: "ticket"}
WEEKS_PER_ROUND = 2
COLUMNS = ["record", "basis", "days", "starts_on", "org_id", "product_area_id", "grouping", "group_key", "total",
           "met", "breached", "durations", "longest"]


def register():
    """Queue the days every change touches (once per process, for every session)."""
    if not event.contains(Session, "after_flush", _queue_changed_days):
        event.listen(Session, "after_flush", _queue_changed_days)


def _days_of(state, names=("created_at", "resolved_at")):
    """The days in *names* before and after this flush, from what is loaded (None if created_at is not)."""
    days = set()
    for name in names:
        history = state.attrs[name].history
        values = [v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None]
        if name == "created_at" and not values:
            return None
        days.update(v.date() for v in values)
    return days


def _queue_changed_days(session, flush_context):
    rows, unloaded = set(), {"incident": set(), "ticket": set()}
    for obj in (*session.new, *session.dirty, *session.deleted):
        state = inspect(obj)
        record = RECORDS.get(type(obj))
        if record:
            days = _days_of(state)
            if days is None:
                unloaded[record].add(obj.id)
            rows.update((record, day) for day in days or ())
        elif isinstance(obj, Comment):
            history = state.attrs.ticket_id.history
            for ticket_id in (*history.added, *history.unchanged, *history.deleted):
                if ticket_id is not None:
                    unloaded["ticket"].add(ticket_id)
    if not rows and not any(unloaded.values()):
        return
    connection = session.connection()
    if rows:
        connection.execute(insert(DirtyDay.__table__), [{"record": r, "day": d} for r, d in sorted(rows)])
    for record, ids in unloaded.items():
        model = SOURCES[record][0]
        for column in (model.created_at, model.resolved_at) if ids else ():
            connection.execute(insert(DirtyDay.__table__).from_select(
                ["record", "day"], select(literal(record), func.date(column)).distinct()
                .where(model.id.in_(ids), column.is_not(None))))


def _lock_week(record, monday):
    """On PostgreSQL, one refresh of a given week at a time (workers and `flask analytics rebuild`)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"relay.analytics.{record}.{monday}"))))


def refresh_week(record: str, monday: date, every_day=False) -> int:
    """Recompute *record*'s cells of the week starting *monday*: the queued days (or all seven) and the week.

    Commits; returns how many cells were written.
    """
    _lock_week(record, monday)
    sunday_next = monday + timedelta(days=WEEK)
    taken = db.session.execute(delete(DirtyDay).where(DirtyDay.record == record, DirtyDay.day >= monday,
                                                      DirtyDay.day < sunday_next).returning(DirtyDay.day)).scalars().all()
    days = {monday + timedelta(days=i) for i in range(WEEK)} if every_day else {_as_date(day) for day in taken}
    slots = compute(record, midnight(monday), midnight(sunday_next), lambda at: at.date())
    week = {}
    for day_cells in slots.values():
        for key, cell in day_cells.items():
            week.setdefault(key, type(cell)()).add(cell)
    db.session.execute(delete(RollupCell).where(
        RollupCell.record == record,
        ((RollupCell.days == WEEK) & (RollupCell.starts_on == monday))
        | ((RollupCell.days == DAY) & RollupCell.starts_on.in_(days))))
    written = [_row(record, WEEK, monday, key, cell) for key, cell in week.items()]
    for day in days:
        written += [_row(record, DAY, day, key, cell) for key, cell in slots.get(day, {}).items()]
    # Written in the order pages read them, so the cells a page wants sit together on few pages.
    written.sort(key=lambda row: (row["days"], row["starts_on"], row["basis"], row["grouping"],
                                  row["org_id"] is not None, row["product_area_id"] is not None,
                                  row["org_id"] or 0, row["product_area_id"] or 0, row["group_key"]))
    _store(written)
    db.session.commit()
    return len(written)


def _store(rows):
    """Insert the cells: COPY on PostgreSQL (thousands per week at a million records), executemany elsewhere."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(insert(RollupCell.__table__), rows)
        return
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY analytics_rollup ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c == "longest" and row[c] is not None else row[c]
                            for c in COLUMNS])


def _row(record, days, starts_on, key, cell):
    basis, org_id, area_id, grouping, group_key = key
    return {"record": record, "basis": basis, "days": days, "starts_on": starts_on, "org_id": org_id,
            "product_area_id": area_id, "grouping": grouping, "group_key": group_key, "total": cell.total,
            "met": cell.met, "breached": cell.breached, "durations": histograms.to_bytes(cell.durations),
            "longest": longest_first(cell.longest) or None}


def refresh_dirty(max_weeks=WEEKS_PER_ROUND) -> int:
    """One worker round: refresh the newest *max_weeks* weeks with queued days; returns how many weeks."""
    queued = db.session.execute(select(DirtyDay.record, DirtyDay.day).distinct()).all()
    db.session.rollback()
    weeks = sorted({(record, monday_of(_as_date(day))) for record, day in queued}, key=lambda rw: rw[1],
                   reverse=True)[:max_weeks]
    for record, week in weeks:
        refresh_week(record, week)
    return len(weeks)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def rebuild(progress=lambda record, done, total: None) -> int:
    """Recompute every week that holds records, from the records; returns how many weeks."""
    done = 0
    for record, (model, _) in SOURCES.items():
        first, last = db.session.execute(select(func.min(model.created_at), func.max(
            func.coalesce(model.resolved_at, model.created_at)))).one()
        db.session.rollback()
        weeks = []
        if first is not None:
            week, last = monday_of(_as_date(first)), _as_date(max(last, first))
            while week <= last:
                weeks.append(week)
                week += timedelta(days=WEEK)
        outside = ((RollupCell.starts_on < weeks[0]) | (RollupCell.starts_on >= weeks[-1] + timedelta(days=WEEK))
                   if weeks else true())
        db.session.execute(delete(RollupCell).where(RollupCell.record == record, outside))
        db.session.commit()
        for i, week in enumerate(weeks, 1):
            refresh_week(record, week, every_day=True)
            progress(record, i, len(weeks))
        done += len(weeks)
    if db.session.get_bind().dialect.name == "postgresql":
        # Every cell was rewritten: fresh statistics, or the planner keeps the old (or empty) table's.
        db.session.execute(text("ANALYZE analytics_rollup"))
        db.session.commit()
    return done
