"""slack_pins arrives in a populated database with everything kept, and the hourly list job uses it at once."""
import os

from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import _postgres_database, check_rows_kept, rows_kept

BEFORE = "b7c1d2e3f4a5"  # tickets.resolved_at index: the last schema without slack_pins
AT = "2026-11-01 10:00:00"
KEPT = ("organizations", "users", "tickets", "slack_messages", "job_runs")


def fill(conn):
    for row in (
        "INSERT INTO organizations (id, name, slug, is_provider, slack_channels_private, created_at) VALUES "
        f"(1, 'Provider', 'provider', true, true, '{AT}'), (2, 'Acme', 'acme', false, false, '{AT}')",
        "INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at, session_version)"
        f" VALUES (1, 'mia@example.com', 'Mia', 'x', 'manager', 1, true, '{AT}', 1),"
        f" (2, 'carl@acme.example', 'Carl', 'x', 'reporter', 2, true, '{AT}', 1)",
        "INSERT INTO tickets (id, number, title, details, priority, status, org_id, reporter_id, created_at, updated_at)"
        f" VALUES (1, 1, 'Invoices blank', '', 'critical', 'open', 2, 2, '{AT}', '{AT}'),"
        f" (2, 2, 'Typo', '', 'low', 'open', 2, 2, '{AT}', '{AT}')",
        "INSERT INTO slack_messages (id, subject_type, subject_id, slot, channel, ts, created_at) VALUES"
        f" (1, 'ticket', 1, 'card', 'CTICKETS', '1761990000.000100', '{AT}')",
        f"INSERT INTO job_runs (id, job, period, ran_at, deliveries) VALUES (1, 'stale_report', '2026-11-01', '{AT}', 2)",
    ):
        conn.execute(text(row))


def upgrade_populated(uri):
    app = create_app(make_config(uri, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s",
                                 SLACK_TICKETS_CHANNEL="CTICKETS"))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        with db.engine.begin() as conn:
            fill(conn)
            before = rows_kept(conn, KEPT)
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            check_rows_kept(conn, before)
            assert conn.execute(text("SELECT count(*) FROM slack_pins")).scalar() == 0
        assert {c["name"] for c in inspect(db.engine).get_unique_constraints("slack_pins")} == {"uq_slack_pins_name"}

        from datetime import datetime
        from app.jobs.scheduler import run_due_jobs
        from app.models import Delivery, SlackPin

        assert "tickets_pin" in run_due_jobs(datetime(2026, 11, 30, 9, 30))
        queued = db.session.scalar(select(Delivery).where(Delivery.kind == "pin.tickets"))
        assert queued.payload["op"] == "pin_list" and queued.payload["text"] == "Open high and critical tickets: 1"
        db.session.add(SlackPin(name="tickets", channel="CTICKETS", ts="1764495000.000100", pinned=True))
        db.session.commit()
        assert db.session.scalar(select(SlackPin.ts)) == "1764495000.000100"
        db.session.remove()
        db.engine.dispose()


def test_slack_pins_arrive_in_a_populated_sqlite_database(tmp_path):
    upgrade_populated(f"sqlite:///{tmp_path / 'populated.db'}")


def test_slack_pins_arrive_in_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated(uri)
    finally:
        drop()
