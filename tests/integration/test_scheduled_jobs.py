"""Scheduled jobs: once per period across workers, catch-up once, and what each job sends."""
from datetime import datetime, timedelta
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import Delivery, IncidentStatus, JobRun, Priority, Role, TicketStatus
from app.jobs.scheduler import current_period, run_due_jobs
from app.outbox.delivery import deliver_due
from tests.smtp import body_of

BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 2026-11-26 12:00 UTC: after 08:00 today, and the week began Monday 2026-11-23 09:00.
THURSDAY = datetime(2026, 11, 26, 12, 0)


@pytest.mark.parametrize("schedule,now,key,start", [
    ("08:00", datetime(2026, 11, 26, 7, 59), "2026-11-25", datetime(2026, 11, 25, 8, 0)),
    ("08:00", datetime(2026, 11, 26, 8, 0), "2026-11-26", datetime(2026, 11, 26, 8, 0)),
    ("monday 09:00", THURSDAY, "2026-W48", datetime(2026, 11, 23, 9, 0)),
    ("monday 09:00", datetime(2026, 11, 23, 8, 59), "2026-W47", datetime(2026, 11, 16, 9, 0)),
    ("Monday 09:00", datetime(2026, 11, 30, 9, 0), "2026-W49", datetime(2026, 11, 30, 9, 0)),
    (":00", datetime(2026, 11, 26, 12, 0), "2026-11-26T12:00", datetime(2026, 11, 26, 12, 0)),
    (":15", datetime(2026, 11, 26, 12, 10, 5), "2026-11-26T11:15", datetime(2026, 11, 26, 11, 15)),
    (":15", datetime(2026, 11, 27, 0, 14), "2026-11-26T23:15", datetime(2026, 11, 26, 23, 15)),
])
def test_current_period_in_utc(schedule, now, key, start):
    assert current_period(schedule, now, ZoneInfo("UTC")) == (key, start)


def test_current_period_follows_the_timezone_across_daylight_saving():
    # 08:00 in Berlin is 07:00 UTC in winter and 06:00 UTC in summer.
    assert current_period("08:00", datetime(2026, 11, 26, 7, 30), BERLIN) == ("2026-11-26", datetime(2026, 11, 26, 7))
    assert current_period("08:00", datetime(2026, 7, 1, 6, 30), BERLIN) == ("2026-07-01", datetime(2026, 7, 1, 6))
    assert current_period("monday 09:00", datetime(2026, 3, 30, 7, 30), BERLIN)[0] == "2026-W14"


def test_hourly_periods_count_utc_hours_so_a_dst_change_repeats_none():
    # Berlin falls back on 2026-10-25: 02:00-03:00 local happens twice, at 00:00 and 01:00 UTC.
    keys = [current_period(":00", datetime(2026, 10, 25, h, 30), BERLIN)[0] for h in range(4)]
    assert keys == ["2026-10-25T00:00", "2026-10-25T01:00", "2026-10-25T02:00", "2026-10-25T03:00"]
    with pytest.raises(ValueError):
        current_period(":75", datetime(2026, 10, 25), BERLIN)


@pytest.fixture(autouse=True)
def installed_long_ago(db, factory):
    """These tests run the jobs on fixed dates: the install (the provider organization) predates them."""
    factory.provider().created_at = datetime(2026, 1, 1)
    db.session.commit()


def runs(db, job):
    return db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.job == job))


def test_each_job_runs_once_per_period_and_again_next_period(db, factory):
    factory.user(Role.ADMIN)
    assert sorted(run_due_jobs(THURSDAY)) == ["overdue_reminder", "stale_report", "tickets_pin", "weekly_summary"]
    assert run_due_jobs(THURSDAY + timedelta(minutes=50)) == []  # same periods: the rows say they ran
    assert run_due_jobs(THURSDAY + timedelta(hours=3)) == ["tickets_pin"]  # a new hour, the same day and week
    assert sorted(run_due_jobs(THURSDAY + timedelta(days=1))) == ["overdue_reminder", "stale_report", "tickets_pin"]
    assert sorted(run_due_jobs(THURSDAY + timedelta(days=4))) == ["overdue_reminder", "stale_report", "tickets_pin",
                                                                  "weekly_summary"]
    assert runs(db, "weekly_summary") == 2


def test_a_worker_down_for_days_catches_up_the_missed_period_once(db, factory):
    factory.user(Role.ADMIN)
    run_due_jobs(THURSDAY)
    back = THURSDAY + timedelta(days=17)  # three Mondays and 17 mornings later
    assert "weekly_summary" in run_due_jobs(back)
    assert run_due_jobs(back + timedelta(minutes=5)) == []
    assert runs(db, "weekly_summary") == 2 and runs(db, "overdue_reminder") == 2


def test_two_workers_starting_the_same_job_in_the_same_period_run_it_once(app, db, factory):
    factory.user(Role.ADMIN)
    factory.user(Role.MANAGER)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                results.append(run_due_jobs(THURSDAY))
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(name for names in results for name in names) == ["overdue_reminder", "stale_report",
                                                                  "tickets_pin", "weekly_summary"]
    assert runs(db, "weekly_summary") == 1
    summaries = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == "report.weekly"))
    assert summaries == 2  # one per admin/manager, not two


@pytest.mark.parametrize("config_overrides", [{"BASE_URL": "http://relay.test"}])
def test_overdue_reminder_goes_to_assignees_of_old_open_tickets(db, factory, smtp_server):
    ann, bob = factory.user(Role.RESPONDER, name="Ann"), factory.user(Role.RESPONDER, name="Bob")
    old = THURSDAY - timedelta(days=9)
    factory.ticket(title="Old and open", assignee_id=ann.id, created_at=old)
    factory.ticket(title="Old in progress", assignee_id=ann.id, status=TicketStatus.IN_PROGRESS,
                   priority=Priority.CRITICAL, created_at=old)
    factory.ticket(title="Old but resolved", assignee_id=bob.id, status=TicketStatus.RESOLVED, created_at=old)
    factory.ticket(title="New", assignee_id=bob.id, created_at=THURSDAY - timedelta(days=2))
    run_due_jobs(THURSDAY)
    deliver_due()
    assert smtp_server.to(bob.email) == []
    [message] = smtp_server.to(ann.email)
    assert message["Subject"] == "2 ticket(s) open for more than 7 days"
    text = body_of(message)
    assert text.index("Old in progress") < text.index("Old and open")  # critical first
    assert "http://relay.test/tickets/2" in text


@pytest.mark.parametrize("config_overrides", [{"STALE_AFTER_DAYS": 3}])
def test_stale_report_lists_untouched_open_tickets_to_admins(db, factory, smtp_server):
    admin, manager = factory.user(Role.ADMIN), factory.user(Role.MANAGER)
    factory.ticket(title="Forgotten", updated_at=THURSDAY - timedelta(days=4))
    factory.ticket(title="Busy", updated_at=THURSDAY - timedelta(days=1))
    run_due_jobs(THURSDAY)
    deliver_due()
    assert smtp_server.to(manager.email) == [] or all("Stale" not in m["Subject"] for m in smtp_server.to(manager.email))
    [stale] = [m for m in smtp_server.to(admin.email) if m["Subject"].startswith("Stale")]
    assert "Forgotten" in body_of(stale) and "Busy" not in body_of(stale)


def test_weekly_summary_counts_the_week(db, factory, smtp_server):
    manager = factory.user(Role.MANAGER)
    monday = datetime(2026, 11, 23, 9, 0)
    in_week = monday - timedelta(days=3)
    factory.incident(created_at=in_week, resolved_at=in_week + timedelta(hours=2), status=IncidentStatus.RESOLVED)
    factory.incident(created_at=in_week)
    factory.incident(created_at=monday - timedelta(days=10))  # opened the week before
    factory.ticket(created_at=in_week, priority=Priority.HIGH)
    run_due_jobs(THURSDAY)
    deliver_due()
    [summary] = [m for m in smtp_server.to(manager.email) if m["Subject"].startswith("Weekly")]
    text = body_of(summary)
    assert summary["Subject"] == "Weekly summary, week of 2026-11-16"
    incidents, tickets = text.split("Tickets")
    assert "Opened:   2" in incidents and "Resolved: 1" in incidents and "MTTR:     2.0 h" in incidents
    assert "SEV3 2" in incidents
    assert "Opened:   1" in tickets and "High 1" in tickets


def test_a_fresh_install_runs_no_period_before_it(db, factory):
    factory.user(Role.ADMIN)
    factory.provider().created_at = THURSDAY - timedelta(hours=1)  # installed Thursday 11:00
    db.session.commit()
    # This week's summary and today's 08:00 jobs began before it; this hour's list did not (Slack is off here).
    assert run_due_jobs(THURSDAY) == ["tickets_pin"]
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
    assert sorted(run_due_jobs(THURSDAY + timedelta(days=1))) == ["overdue_reminder", "stale_report", "tickets_pin"]
    assert run_due_jobs(THURSDAY + timedelta(days=1, minutes=30)) == []
    assert "weekly_summary" in run_due_jobs(THURSDAY + timedelta(days=4))  # next Monday 09:00
