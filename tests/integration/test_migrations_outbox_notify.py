"""The outbox's NOTIFY trigger arrives on a populated database with nothing lost (and goes again on downgrade)."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import filled_then, postgres_database, snapshot, unchanged

BEFORE, NOTIFY = "29b1e9b8d18b", "c4e8a1f2b3d6"  # slack_pins, the head before the trigger


def trigger_count(conn):
    return conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname = 'deliveries_notify'")).scalar()


def populated_upgrade_to_notify(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, BEFORE)
        with db.engine.connect() as conn:
            before = snapshot(conn)
        upgrade(directory=directory, revision=NOTIFY)
        with db.engine.connect() as conn:
            unchanged(before, snapshot(conn))
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:  # a new delivery notifies the worker's channel when its transaction commits
            import psycopg

            with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                                 autocommit=True) as listener:
                listener.execute("LISTEN relay_outbox")
                with db.engine.begin() as conn:
                    assert trigger_count(conn) == 1
                    conn.execute(text("INSERT INTO deliveries (channel, kind, recipient, payload, dedup_key, state, "
                                      "attempts, next_attempt_at, created_at) VALUES ('email', 'k', 'a@example.com', "
                                      "'{}', 'after-upgrade', 'pending', 0, now(), now())"))
                assert [n.channel for n in listener.notifies(timeout=10, stop_after=1)] == ["relay_outbox"]
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM deliveries WHERE dedup_key = 'after-upgrade'"))
        downgrade(directory=directory, revision=BEFORE)
        with db.engine.connect() as conn:
            unchanged(before, snapshot(conn))
            if postgres:
                assert trigger_count(conn) == 0
        db.engine.dispose()


def test_the_notify_trigger_arrives_on_a_populated_sqlite_database_as_nothing(tmp_path):
    populated_upgrade_to_notify(f"sqlite:///{tmp_path / 'populated.db'}")


def test_the_notify_trigger_arrives_on_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_to_notify(uri)
