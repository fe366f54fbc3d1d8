"""The tickets.resolved_at index arrives in a populated database with every ticket kept, and analytics read it."""
import os

from flask_migrate import upgrade
import pytest
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from app.services.histograms import RELATIVE_ERROR
from tests.conftest import make_config
from tests.integration.test_migrations import _postgres_database, check_rows_kept, rows_kept

BEFORE = "3fa03b2ab80e"  # webhooks: the last schema without the index
AT = "2026-11-01 10:00:00"


def fill(conn):
    for row in (
        "INSERT INTO organizations (id, name, slug, is_provider, slack_channels_private, created_at) VALUES "
        f"(1, 'Provider', 'provider', true, true, '{AT}'), (2, 'Acme', 'acme', false, false, '{AT}')",
        "INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at, session_version)"
        f" VALUES (1, 'mia@example.com', 'Mia', 'x', 'manager', 1, true, '{AT}', 1),"
        f" (2, 'carl@acme.example', 'Carl', 'x', 'reporter', 2, true, '{AT}', 1)",
        "INSERT INTO tickets (id, number, title, details, priority, status, org_id, reporter_id, created_at, updated_at,"
        " resolved_at) VALUES"
        f" (1, 1, 'Invoice blank', '', 'high', 'resolved', 2, 2, '{AT}', '{AT}', '2026-11-01 13:00:00'),"
        f" (2, 2, 'Still open', '', 'low', 'open', 2, 2, '{AT}', '{AT}', NULL)",
    ):
        conn.execute(text(row))


def upgrade_populated(uri):
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        with db.engine.begin() as conn:
            fill(conn)
            before = rows_kept(conn, ["tickets"])
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            check_rows_kept(conn, before)
        indexes = {index["name"]: index["column_names"] for index in inspect(db.engine).get_indexes("tickets")}
        assert indexes["ix_tickets_resolved_at"] == ["resolved_at"]

        from datetime import date
        from app.models import User
        from app.services.analytics_filters import scope_for
        from app.services.ticket_analytics import ticket_report

        mia = db.session.get(User, 1)
        scope = scope_for(mia, period="custom", date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
        tables = ticket_report(mia, scope).tables
        assert sum(row[2] for row in tables["ticket_weekly"].rows) == 1
        # The median comes from the rollup's histogram (computed live here: the day is still queued).
        assert [row[1:3] for row in tables["resolution_by_priority"].rows if row[0] == "High"] == [
            (1, pytest.approx(3 * 3600, rel=RELATIVE_ERROR))]
        db.session.remove()
        db.engine.dispose()


def test_the_index_arrives_in_a_populated_sqlite_database(tmp_path):
    upgrade_populated(f"sqlite:///{tmp_path / 'populated.db'}")


def test_the_index_arrives_in_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated(uri)
    finally:
        drop()
