"""The stale report, the overdue reminder and the weekly summary are also posted to the tickets channel, once."""
from datetime import datetime, timedelta

import pytest

from app.jobs.scheduler import run_due_jobs
from app.models import Priority, TicketStatus
from tests.slack.conftest import TICKETS_CHANNEL, deliver_slack

THURSDAY = datetime(2026, 11, 26, 12, 0)


@pytest.fixture
def old_tickets(db, factory, people):
    factory.provider().created_at = datetime(2026, 1, 1)
    old = THURSDAY - timedelta(days=10)
    factory.ticket(title="Forgotten <!everyone>", priority=Priority.CRITICAL, status=TicketStatus.IN_PROGRESS,
                   assignee_id=people["bob"].id, created_at=old, updated_at=old)
    db.session.commit()


def _reports(slack_api):
    return [c for c in slack_api.calls_to("chat.postMessage")
            if c["channel"] == TICKETS_CHANNEL and not c["text"].startswith("Open high and critical")]


def test_each_report_is_posted_to_the_tickets_channel_once_per_period(slack_api, old_tickets, db):
    assert sorted(run_due_jobs(THURSDAY)) == ["overdue_reminder", "stale_report", "tickets_pin", "weekly_summary"]
    deliver_slack()
    texts = [c["text"] for c in _reports(slack_api)]
    assert any(t.startswith("Stale tickets: 1") for t in texts)
    assert any("open for more than 7 days" in t for t in texts)
    assert any(t.startswith("Weekly summary, week of 2026-11-16") for t in texts)
    assert len(texts) == 3
    listed = [c for c in _reports(slack_api) if c["text"].startswith("Stale")][0]
    assert "<!everyone>" not in str(listed["blocks"]) and ":red_circle: Critical" in str(listed["blocks"])
    run_due_jobs(THURSDAY + timedelta(hours=2))  # the same periods: nothing again
    deliver_slack()
    assert len(_reports(slack_api)) == 3


def test_without_a_tickets_channel_reports_are_only_mailed(app, slack_api, old_tickets, db):
    app.config["SLACK_TICKETS_CHANNEL"] = None
    run_due_jobs(THURSDAY)
    deliver_slack()
    assert slack_api.calls_to("chat.postMessage") == []
