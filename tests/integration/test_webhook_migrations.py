"""The webhook tables arrive on a populated database with nothing lost."""
import os

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import _postgres_database

BEFORE_WEBHOOKS = "ec01de9fd39d"  # API tokens and idempotency keys


def upgrade_populated_to_webhooks(uri):
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE_WEBHOOKS)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at, "
                              "slack_channels_private) VALUES (1, 'Relay Support', 'relay', true, "
                              "'2026-01-01 00:00:00', true)"))
            conn.execute(text("INSERT INTO deliveries (channel, kind, recipient, payload, dedup_key, state, attempts, "
                              "next_attempt_at, created_at) VALUES ('email', 'k', 'a@example.com', '{}', 'key-1', "
                              "'failed', 8, '2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
        upgrade(directory=directory)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT dedup_key, state FROM deliveries")).one() == ("key-1", "failed")
            conn.execute(text("INSERT INTO webhook_endpoints (org_id, url, description, events, secret_encrypted, "
                              "active, failures_in_a_row, created_at) VALUES (1, 'https://example.com/h', '', "
                              "'incident.*', 'x', true, 0, '2026-11-29 00:00:00')"))
            assert conn.execute(text("SELECT count(*) FROM webhook_attempts")).scalar() == 0
        db.engine.dispose()


def test_webhook_tables_arrive_on_a_populated_sqlite_database(tmp_path):
    upgrade_populated_to_webhooks(f"sqlite:///{tmp_path / 'populated.db'}")


def test_webhook_tables_arrive_on_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated_to_webhooks(uri)
    finally:
        drop()
