"""Migrations build the full schema from empty, on SQLite and on PostgreSQL, and match the models."""
import hashlib
import os
from pathlib import Path
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models.sql import include_name
from config import database_url
from tests.conftest import make_config


def migrated_schema_matches_models(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
            diff = compare_metadata(context, db.metadata)
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


# --- A populated database gains file_chunks with nothing lost, and its files can move into it.

FILE_CHUNKS = "5e1f0c2a9b7d"
LOG = b"2026-11-28 03:12:44 ERROR checkout timeout\n" * 30000  # ~ 1.3 MB: several chunks


def _populate_before_file_chunks(conn, key):
    now = "2026-11-28 03:15:00"
    conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at)"
                      " VALUES (1, 'Acme', 'acme', false, :now)"), {"now": now})
    conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at)"
                      " VALUES (1, 'rae@acme.test', 'Rae', 'x', 'responder', 1, true, :now)"), {"now": now})
    conn.execute(text("INSERT INTO incidents (id, number, title, description, severity, status, org_id, reporter_id,"
                      " created_at, updated_at) VALUES (1, 1, 'Checkout down', '', 'sev2', 'detected', 1, 1, :now, :now)"),
                 {"now": now})
    conn.execute(text("INSERT INTO attachments (id, org_id, incident_id, uploader_id, filename, storage_key,"
                      " content_type, size, sha256, created_at) VALUES (1, 1, 1, 1, 'checkout.log', :key,"
                      " 'text/plain', :size, :sha, :now)"),
                 {"key": key, "size": len(LOG), "sha": hashlib.sha256(LOG).hexdigest(), "now": now})


def populated_upgrade_keeps_attachments(uri, files_dir):
    from app.models import Attachment
    from app.services.attachments import copy_files_to_database
    from app.storage import DatabaseStorage, LocalStorage, new_key

    directory = str(Path(__file__).resolve().parents[2] / "migrations")
    before = ScriptDirectory(directory).get_revision(FILE_CHUNKS).down_revision
    key, gone = new_key(), new_key()
    app = create_app(make_config(uri, ATTACHMENTS_DIR=str(files_dir), ATTACHMENT_STORAGE="database"))
    with app.app_context():
        upgrade(directory=directory, revision=before)
        with db.engine.begin() as conn:
            _populate_before_file_chunks(conn, key)
        LocalStorage(files_dir).save(key, LOG)
        upgrade(directory=directory)
        attachment = db.session.get(Attachment, 1)
        assert (attachment.filename, attachment.storage_key, attachment.size) == ("checkout.log", key, len(LOG))
        assert copy_files_to_database() == (1, 0)
        assert copy_files_to_database() == (0, 0)  # again: nothing to do
        assert DatabaseStorage().open(key).read() == LOG
        # A row whose file is not on this machine is reported, not invented.
        db.session.add(Attachment(id=2, org_id=1, incident_id=1, uploader_id=1, filename="lost.png", storage_key=gone,
                                  content_type="image/png", size=1, sha256="0" * 64))
        db.session.commit()
        assert copy_files_to_database() == (0, 1)
        db.session.remove()
        db.engine.dispose()


def test_populated_upgrade_to_file_chunks_on_sqlite(tmp_path):
    populated_upgrade_keeps_attachments(f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "files")


def test_populated_upgrade_to_file_chunks_on_postgresql(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_chunks_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        populated_upgrade_keeps_attachments(url.set(database=name).render_as_string(hide_password=False),
                                            tmp_path / "files")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_populated_upgrade_keeps_organizations_and_makes_their_slack_channels_private(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'populated.db'}"))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="a881bc640a8a")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (name, slug, is_provider, created_at) "
                              "VALUES ('Acme', 'acme', 0, '2026-01-01 00:00:00'), "
                              "('Provider', 'provider', 1, '2026-01-01 00:00:00')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT name, slug, is_provider, slack_channels_private FROM organizations "
                                     "ORDER BY name")).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [("Acme", "acme", 0, 1), ("Provider", "provider", 1, 1)]


def slack_links_move_to_external_identities(uri):
    """users.slack_user_id (filled at schema a881bc640a8a) becomes external_identities rows, and back on downgrade."""
    from flask_migrate import downgrade

    from app.models import User

    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="a881bc640a8a")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at) "
                              "VALUES (1, 'Provider', 'provider', true, '2026-11-01 09:00:00')"))
            for n, slack in [(1, "UADA"), (2, None), (3, "URITA")]:
                conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, "
                                  "created_at, slack_user_id) VALUES (:n, :email, :name, 'x', 'responder', 1, true, "
                                  "'2026-11-01 09:00:00', :slack)"),
                             dict(n=n, email=f"u{n}@example.com", name=f"User {n}", slack=slack))
        upgrade(directory=directory, revision="5e1d7a2c9b40")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT provider, external_id, user_id FROM external_identities "
                                     "ORDER BY user_id")).all()
            users = conn.execute(text("SELECT count(*) FROM users")).scalar()
        assert [tuple(row) for row in rows] == [("slack", "UADA", 1), ("slack", "URITA", 3)] and users == 3
        assert db.session.get(User, 3).slack_user_id == "URITA" and db.session.get(User, 2).slack_user_id is None
        db.session.remove()
        downgrade(directory=directory, revision="b7d41c9e5a10")
        with db.engine.connect() as conn:
            back = conn.execute(text("SELECT id, slack_user_id FROM users ORDER BY id")).all()
        assert [tuple(row) for row in back] == [(1, "UADA"), (2, None), (3, "URITA")]
        db.engine.dispose()


def test_slack_links_move_to_external_identities_on_sqlite(tmp_path):
    slack_links_move_to_external_identities(f"sqlite:///{tmp_path / 'links.db'}")


def test_slack_links_move_to_external_identities_on_postgresql():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        slack_links_move_to_external_identities(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_database():
    """A new empty PostgreSQL database URL and a function that drops it; skips without PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def upgrade_populated_to_search_indexes(uri):
    """A database at the Slack schema with incidents and tickets in it gains the search indexes, keeping its rows."""
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="a881bc640a8a")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at) "
                              "VALUES (1, 'Acme', 'acme', false, '2026-01-01')"))
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, "
                              "timezone, created_at) VALUES (1, 'a@example.com', 'A', 'x', 'admin', 1, true, "
                              "'UTC', '2026-01-01')"))
            for n in range(1, 4):
                conn.execute(text(
                    "INSERT INTO incidents (number, title, description, severity, status, org_id, reporter_id, "
                    f"created_at, updated_at) VALUES ({n}, 'gateway down {n}', 'detail', 'sev2', 'detected', 1, 1, "
                    "'2026-01-01', '2026-01-01')"))
                conn.execute(text(
                    "INSERT INTO tickets (number, title, details, priority, status, org_id, reporter_id, "
                    f"created_at, updated_at) VALUES ({n}, 'refund {n}', 'details', 'high', 'open', 1, 1, "
                    "'2026-01-01', '2026-01-01')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            titles = conn.execute(text("SELECT title FROM incidents ORDER BY number")).scalars().all()
            tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar()
            indexes = {i["name"] for table in ("incidents", "tickets") for i in inspect(conn).get_indexes(table)}
            dialect = conn.dialect.name
        db.engine.dispose()
    assert titles == ["gateway down 1", "gateway down 2", "gateway down 3"] and tickets == 3
    assert "ix_incidents_status_severity_assignee" in indexes
    trigram = {name for name in indexes if name.endswith("_trgm")}
    expected = {"ix_incidents_title_trgm", "ix_incidents_description_trgm", "ix_tickets_title_trgm",
                "ix_tickets_details_trgm"}
    assert trigram == (expected if dialect == "postgresql" else set())


def test_search_indexes_upgrade_a_populated_sqlite_database(tmp_path):
    upgrade_populated_to_search_indexes(f"sqlite:///{tmp_path / 'populated.db'}")


def test_search_indexes_upgrade_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated_to_search_indexes(uri)
    finally:
        drop()
