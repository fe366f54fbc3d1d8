"""What PagerDuty last said (pagerduty_links.pd_status, pd_assignee, pd_seen_at) arrives on a populated database."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import filled_then, postgres_database, snapshot
from tests.integration.test_migrations_outbox_notify import NOTIFY, unchanged

LINK_COLUMNS = {"pd_status", "pd_assignee", "pd_seen_at"}


def populated_upgrade_to_pagerduty_status(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, NOTIFY)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO pagerduty_links (id, incident_id, integration_org_id, dedup_key, "
                              "pd_incident_id, started_in_pagerduty, status_at, created_at) VALUES (1, 2, 1, 'INC-2', "
                              "'QABC123', false, '2026-11-01 10:00:00', '2026-11-01 09:00:00')"))
        with db.engine.connect() as conn:
            before = snapshot(conn)
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            after = snapshot(conn)
            columns = {c["name"] for c in inspect(conn).get_columns("pagerduty_links")}
        unchanged(before, after)
        assert LINK_COLUMNS <= columns
        assert [(r["dedup_key"], r["pd_status"], r["pd_assignee"], r["pd_seen_at"]) for r in after["pagerduty_links"]] \
            == [("INC-2", None, None, None)]
        downgrade(directory=directory, revision=NOTIFY)
        with db.engine.connect() as conn:
            assert not LINK_COLUMNS & {c["name"] for c in inspect(conn).get_columns("pagerduty_links")}
            unchanged(before, snapshot(conn))
        db.engine.dispose()


def test_pagerduty_status_columns_arrive_on_a_populated_sqlite_database(tmp_path):
    populated_upgrade_to_pagerduty_status(f"sqlite:///{tmp_path / 'populated.db'}")


def test_pagerduty_status_columns_arrive_on_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_to_pagerduty_status(uri)
