"""Scheduled jobs: each runs once per period across every worker, because of a unique row.

The jobs themselves are the table in timetable.py, which create_app gives the
scheduler as app.extensions["relay.jobs"]. A job's schedule is "HH:MM" (daily)
or "monday HH:MM" (weekly) in TIMEZONE, or ":MM" (hourly, that many minutes past
each hour, counted in UTC so a DST change neither repeats nor skips an hour).
Its current period is the latest start at or before now. The worker inserts (job, period) into job_runs in the same
transaction as the job's outbox rows: a second worker's insert fails on the
unique constraint (or waits, then fails), a crash rolls both back so the job
runs again, and a worker that was down when a period began runs that period
once when it comes back (only the latest missed period: a digest for today, not
one per missed day). Jobs start from the install (the first organization): a
period that began before it never runs, so a fresh install does not send last
week's summary.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
import logging
from typing import Callable
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.models import JobRun, Organization
from app.models.base import utcnow

log = logging.getLogger("relay.jobs")

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class Job:
    name: str
    schedule_setting: str              # the config key holding "HH:MM" or "weekday HH:MM"
    run: Callable[[datetime], int]     # run(period start, naive UTC) -> messages queued


def parse_schedule(text: str):
    """'08:00' -> (None, time(8)); 'monday 09:00' -> (0, time(9))."""
    parts = text.strip().lower().split()
    weekday = None
    if len(parts) == 2:
        if parts[0] not in WEEKDAYS:
            raise ValueError(f"Unknown weekday in schedule {text!r}")
        weekday = WEEKDAYS.index(parts[0])
    hours, minutes = parts[-1].split(":")
    return weekday, time(int(hours), int(minutes))


def hourly_period(schedule: str, now: datetime) -> tuple[str, datetime]:
    """':05' at 14:03 UTC -> ('2026-11-30T13:05', 13:05): the latest hour's start at or before *now*."""
    minute = int(schedule.strip()[1:])
    if not 0 <= minute <= 59:
        raise ValueError(f"Minutes past the hour must be 0-59 in schedule {schedule!r}")
    start = now.replace(minute=minute, second=0, microsecond=0)
    if start > now:
        start -= timedelta(hours=1)
    return start.strftime("%Y-%m-%dT%H:%M"), start


def current_period(schedule: str, now: datetime, zone: ZoneInfo) -> tuple[str, datetime]:
    """The key and (naive UTC) start of the latest period of *schedule* begun at or before *now*."""
    if schedule.strip().startswith(":"):
        return hourly_period(schedule, now)
    weekday, at = parse_schedule(schedule)
    local = now.replace(tzinfo=timezone.utc).astimezone(zone)
    start = datetime.combine(local.date(), at, tzinfo=zone)
    if weekday is None:
        if start > local:
            start -= timedelta(days=1)
        key = start.date().isoformat()
    else:
        start -= timedelta(days=(start.weekday() - weekday) % 7)
        if start > local:
            start -= timedelta(weeks=1)
        year, week, _ = start.date().isocalendar()
        key = f"{year}-W{week:02d}"
    start = datetime.combine(start.date(), at, tzinfo=zone)  # re-anchor across DST changes
    return key, start.astimezone(timezone.utc).replace(tzinfo=None)


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Run every job whose current period has not run yet; return the names of those run here."""
    now = now or utcnow()
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    installed = db.session.scalar(select(func.min(Organization.created_at)))
    ran = []
    for scheduled in current_app.extensions["relay.jobs"]:
        period, start = current_period(current_app.config[scheduled.schedule_setting], now, zone)
        if installed is None or start < installed:
            continue  # the period began before the install: nothing to catch up on
        if db.session.scalar(select(JobRun.id).where(JobRun.job == scheduled.name, JobRun.period == period)):
            continue
        if run_once(scheduled, period, start):
            ran.append(scheduled.name)
    db.session.rollback()  # end the read transaction
    return ran


def run_once(scheduled: Job, period: str, start: datetime) -> bool:
    """Claim (job, period) and run the job in one transaction; False if another worker has it."""
    try:
        run = JobRun(job=scheduled.name, period=period)
        db.session.add(run)
        db.session.flush()  # PostgreSQL: a second worker blocks here, then fails on the unique key
        run.deliveries = scheduled.run(start)
        db.session.commit()
    except (IntegrityError, OperationalError):
        db.session.rollback()
        log.info("job %s for %s is run by another worker", scheduled.name, period)
        return False
    except Exception:
        db.session.rollback()
        log.exception("job %s for %s failed; it will run again", scheduled.name, period)
        return False
    log.info("job %s for %s queued %s message(s)", scheduled.name, period, run.deliveries)
    return True
