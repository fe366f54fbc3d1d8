"""The analytics rollup arrives in a populated database: every day with records is queued, the pages stay
correct while it is, and `flask analytics rebuild` fills the rollup with the same numbers. The same when
the packed histograms replace the JSON ones in a database whose rollup was built."""
import os
from datetime import date

from flask_migrate import upgrade
import pytest
from sqlalchemy import func, inspect, select, text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_analytics_migration import fill
from tests.integration.test_migrations import _postgres_database, check_rows_kept, rows_kept

BEFORE = "5b967c7f0d4e"  # pagerduty routing: the last schema without the rollup
JSON_HISTOGRAMS = "eefb3662c96c"  # the rollup with its histograms as JSON
AT = "2026-11-02 10:00:00"


def fill_incidents(conn):
    conn.execute(text(
        "INSERT INTO incidents (id, number, title, description, severity, status, org_id, reporter_id, created_at,"
        " updated_at, acknowledged_at, resolved_at, sla_state) VALUES"
        f" (1, 1, 'Checkout down', '', 'sev1', 'resolved', 2, 2, '{AT}', '{AT}', '2026-11-02 10:05:00',"
        " '2026-11-02 12:00:00', 'met'),"
        f" (2, 2, 'Slow search', '', 'sev3', 'investigating', 2, 2, '{AT}', '{AT}', '2026-11-02 10:30:00', NULL, NULL)"))


def fill_json_cell(conn):
    """A week cell as the JSON rollup stored it (and a wrong one: the upgrade must not keep it)."""
    conn.execute(text(
        "INSERT INTO analytics_rollup (record, basis, days, starts_on, org_id, product_area_id, grouping, group_key,"
        " total, met, breached, histograms, longest) VALUES ('incident', 'created', 7, '2026-10-26', NULL, NULL,"
        """ 'all', '', 99, 0, 0, '{"mtta": {"36": 99}}', NULL)"""))


def upgrade_populated(uri, before=BEFORE):
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=before)
        with db.engine.begin() as conn:
            fill(conn)
            fill_incidents(conn)
            if before == JSON_HISTOGRAMS:
                fill_json_cell(conn)
            kept = rows_kept(conn, ("incidents", "tickets"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            check_rows_kept(conn, kept)

        indexes = {index["name"]: index["column_names"] for index in inspect(db.engine).get_indexes("analytics_rollup")}
        assert indexes["ix_analytics_rollup_read"] == ["record", "basis", "grouping", "days", "starts_on", "org_id",
                                                       "product_area_id"]

        from app.models import DirtyDay, RollupCell, User
        from app.services.analytics import incident_report
        from app.services.analytics_filters import scope_for
        from app.services.rollup import rebuild
        from app.services.ticket_analytics import ticket_report

        queued = set(db.session.execute(select(DirtyDay.record, DirtyDay.day)).all())
        assert queued == {("incident", date(2026, 11, 2)), ("ticket", date(2026, 11, 1))}
        assert db.session.scalar(select(func.count()).select_from(RollupCell)) == 0
        mia = db.session.get(User, 1)
        scope = scope_for(mia, period="custom", date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))

        def numbers():
            incidents, tickets = incident_report(mia, scope, now=scope.end), ticket_report(mia, scope, now=scope.end)
            return ({k: t.rows for k, t in incidents.tables.items()}, {k: t.rows for k, t in tickets.tables.items()})

        queued_numbers = numbers()   # computed from the records while the days are queued
        incidents, tickets = queued_numbers
        assert incidents["summary"][0][1] == 2 and incidents["summary"][1][1] == 1
        assert [row[2:4] for row in incidents["sla"]] == [(1, 0), (1, 0)]
        assert sum(row[2] for row in tickets["ticket_weekly"]) == 1
        assert rebuild() > 0
        assert db.session.scalar(select(func.count()).select_from(DirtyDay)) == 0
        assert db.session.scalar(select(func.count()).select_from(RollupCell)) > 0
        assert numbers() == queued_numbers
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("before", [BEFORE, JSON_HISTOGRAMS])
def test_the_rollup_arrives_in_a_populated_sqlite_database(tmp_path, before):
    upgrade_populated(f"sqlite:///{tmp_path / 'populated.db'}", before)


@pytest.mark.parametrize("before", [BEFORE, JSON_HISTOGRAMS])
def test_the_rollup_arrives_in_a_populated_postgresql_database(before):
    uri, drop = _postgres_database()
    try:
        upgrade_populated(uri, before)
    finally:
        drop()
