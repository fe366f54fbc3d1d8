"""Migrations build the full schema from empty, on SQLite and on PostgreSQL, and match the models."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import database_url
from tests.conftest import make_config


def migrated_schema_matches_models(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == [], f"models and migrations drift: {diff}"
    assert set(db.metadata.tables) <= tables


def test_upgrade_from_empty_on_sqlite(tmp_path):
    migrated_schema_matches_models(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_upgrade_from_empty_on_postgresql():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrated_schema_matches_models(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def upgrade_populated_users(uri):
    """Users written before session versions exist keep everything and can sign in afterwards."""
    from flask_migrate import upgrade as upgrade_to

    from app.services.sessions import user_for_session

    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade_to(directory=directory, revision="a881bc640a8a")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at) "
                              "VALUES (1, 'Relay Support', 'relay', true, '2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, "
                              "created_at) VALUES (7, 'ada@example.com', 'Ada', 'scrypt:x', 'admin', 1, true, "
                              "'2026-01-01 00:00:00')"))
        upgrade_to(directory=directory, revision="5e55a0b1d2c7")
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT email, display_name, role, session_version FROM users")).one()
        assert tuple(row) == ("ada@example.com", "Ada", "admin", 0)
        assert user_for_session("7:0").email == "ada@example.com"
        assert user_for_session("7") is None  # a cookie from before the upgrade signs in again
        db.session.remove()
        db.engine.dispose()


def test_users_keep_everything_when_session_versions_arrive_on_sqlite(tmp_path):
    upgrade_populated_users(f"sqlite:///{tmp_path / 'populated.db'}")


def test_users_keep_everything_when_session_versions_arrive_on_postgresql():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade_populated_users(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
