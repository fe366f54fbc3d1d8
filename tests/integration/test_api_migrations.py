"""The API's tables arrive on a populated database with nothing lost, and work at once."""
import os

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Source
from app.services import api_tokens, incidents
from tests.conftest import make_config
from tests.integration.test_migrations import _postgres_database

BEFORE_API = "34a9a74d9a99"  # the last revision before API tokens and idempotency keys


def upgrade_populated_to_api(uri):
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE_API)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at, "
                              "slack_channels_private) VALUES (1, 'Relay Support', 'relay', true, "
                              "'2026-01-01 00:00:00', true)"))
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, "
                              "created_at, session_version) VALUES (7, 'ada@example.com', 'Ada', 'scrypt:x', "
                              "'responder', 1, true, '2026-01-01 00:00:00', 3)"))
            conn.execute(text("INSERT INTO counters (name, value) VALUES ('incident', 41)"))
            conn.execute(text("INSERT INTO incidents (id, number, title, description, severity, status, org_id, "
                              "reporter_id, created_at, updated_at) VALUES (5, 41, 'Old outage', '', 'sev2', "
                              "'detected', 1, 7, '2026-01-02 00:00:00', '2026-01-02 00:00:00')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            user = conn.execute(text("SELECT email, role, session_version FROM users")).one()
            incident = conn.execute(text("SELECT number, title, severity FROM incidents")).one()
        assert tuple(user) == ("ada@example.com", "responder", 3)
        assert tuple(incident) == (41, "Old outage", "sev2")
        from app.models import User

        ada = db.session.get(User, 7)
        raw = api_tokens.create_personal_token(ada, name="ci", scope="write")[1]
        assert api_tokens.authenticate(raw).user_id == 7
        assert incidents.declare_incident(ada, title="New", severity="sev3", source=Source.API).number == 42
        db.session.remove()
        db.engine.dispose()


def test_api_tables_arrive_on_a_populated_sqlite_database(tmp_path):
    upgrade_populated_to_api(f"sqlite:///{tmp_path / 'populated.db'}")


def test_api_tables_arrive_on_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated_to_api(uri)
    finally:
        drop()
