"""The PagerDuty migration upgrades a populated database with nothing lost, on SQLite and PostgreSQL."""
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import (
    FILLED_AT, check_upgraded, migrations_dir, populate, postgres_database, snapshot,
)

REVISION = "d3a56ba0bf5d"
NEW_TABLES = {"pagerduty_integrations", "pagerduty_services", "pagerduty_links", "slack_channel_links"}


def populated_upgrade_to_pagerduty(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = migrations_dir(app)
        before_mine = ScriptDirectory(directory).get_revision(REVISION).down_revision
        upgrade(directory=directory, revision=FILLED_AT)
        with db.engine.begin() as conn:
            populate(conn)
        with db.engine.connect() as conn:
            before = snapshot(conn)
        upgrade(directory=directory, revision=before_mine)
        with db.engine.connect() as conn:
            just_before = snapshot(conn)
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            after = snapshot(conn)
        check_upgraded(before, after)
        assert NEW_TABLES <= set(after) and all(after[name] == [] for name in NEW_TABLES)

        # The new tables work with the rows that were there: link a channel, set up paging, page INC-2.
        from app.models import User
        from app.services import channel_links, pagerduty, pagerduty_settings

        ada = db.session.get(User, 1)
        channel_links.link_channel(ada, "CACME0001", "acme", channel_name="customer-acme")
        pagerduty_settings.save_integration(ada, 1, routing_keys_text="R" * 32, service_ids="PPROVID")
        assert pagerduty.page_incident(2, ada, "Acme's API is down", commit=True) is True
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT dedup_key FROM pagerduty_links")).scalar() == "INC-2"
            assert conn.execute(text("SELECT count(*) FROM deliveries WHERE channel = 'pagerduty'")).scalar() == 1
        db.session.remove()

        # And back down: the old rows are still all there.
        downgrade(directory=directory, revision=before_mine)
        with db.engine.connect() as conn:
            down = snapshot(conn)
        assert not NEW_TABLES & set(down)
        written = ("deliveries", "audit_events", "audit_heads")  # the page above added to these
        assert {name: rows for name, rows in down.items() if name not in written} == \
            {name: rows for name, rows in just_before.items() if name not in written}
        for name in written:
            assert down[name][:len(just_before[name])] == just_before[name] or name == "audit_heads"
        db.engine.dispose()


def test_pagerduty_tables_arrive_in_a_populated_sqlite_database(tmp_path):
    populated_upgrade_to_pagerduty(f"sqlite:///{tmp_path / 'populated.db'}")


def test_pagerduty_tables_arrive_in_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_to_pagerduty(uri)
