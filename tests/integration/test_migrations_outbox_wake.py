"""The outbox's NOTIFY trigger goes on a populated database with nothing lost (writers notify after commit), and comes back on downgrade."""
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import filled_then, postgres_database, snapshot, unchanged
from tests.integration.test_migrations_outbox_notify import trigger_count

BEFORE, AFTER = "eefb3662c96c", "d2a7f0c3b91e"  # analytics rollup (the revision before), no trigger


def populated_upgrade_without_trigger(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, BEFORE)
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.connect() as conn:
            before = snapshot(conn)
            if postgres:
                assert trigger_count(conn) == 1
        upgrade(directory=directory, revision=AFTER)
        with db.engine.connect() as conn:
            unchanged(before, snapshot(conn))
            if postgres:
                assert trigger_count(conn) == 0
        downgrade(directory=directory, revision=BEFORE)
        with db.engine.connect() as conn:
            unchanged(before, snapshot(conn))
            if postgres:
                assert trigger_count(conn) == 1
        upgrade(directory=directory, revision=AFTER)
        db.engine.dispose()


def test_the_trigger_goes_on_a_populated_sqlite_database_as_nothing(tmp_path):
    populated_upgrade_without_trigger(f"sqlite:///{tmp_path / 'populated.db'}")


def test_the_trigger_goes_on_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_without_trigger(uri)
