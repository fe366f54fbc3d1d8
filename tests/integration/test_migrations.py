"""Migrations build the full schema from empty, and upgrade a populated database with nothing lost.

Both on SQLite and on PostgreSQL (the PostgreSQL cases skip when TEST_DATABASE_URL is unset).
A later schema change extends `populate` with rows for what it touches and `check_upgraded`
with what must hold after it; every row and column filled here is compared after the upgrade.
"""
from contextlib import contextmanager
from datetime import datetime, timedelta
import hashlib
import json
import os
from pathlib import Path
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models.sql import include_name
from config import database_url
from tests.conftest import make_config

# The schema the populated database is filled at: the last one before audit chains per record.
FILLED_AT = "a881bc640a8a"
T0 = datetime(2026, 11, 1, 9, 0, 0, 123456)


def migrations_dir(app):
    return os.path.join(os.path.dirname(app.root_path), "migrations")


def filled_then(app, revision):
    """Migrate to FILLED_AT, fill every table, migrate on to *revision*; return the migrations directory."""
    directory = migrations_dir(app)
    upgrade(directory=directory, revision=FILLED_AT)
    with db.engine.begin() as conn:
        populate(conn)
    upgrade(directory=directory, revision=revision)
    return directory


def migrated_schema_matches_models(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        upgrade(directory=migrations_dir(app))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == [], f"models and migrations drift: {diff}"
    assert set(db.metadata.tables) <= tables


@contextmanager
def postgres_database():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    url = make_url(database_url(base))
    name = f"relay_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_on_sqlite(tmp_path):
    migrated_schema_matches_models(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_upgrade_from_empty_on_postgresql():
    with postgres_database() as uri:
        migrated_schema_matches_models(uri)


# --- a populated database ------------------------------------------------------------------

def legacy_chain_hash(content, prev_hash):
    """The audit hash of the single global chain, frozen: events written then must keep verifying."""
    fields = ("org_id", "subject_type", "subject_id", "actor_id", "source", "action",
              "field", "old_value", "new_value", "created_at")
    payload = {name: content[name].isoformat(timespec="microseconds") if isinstance(content[name], datetime)
               else content[name] for name in fields}
    payload["prev_hash"] = prev_hash
    text_ = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def legacy_events():
    """Audit events as the global chain wrote them, each hashed over the one before."""
    rows, prev = [], "0" * 64
    plan = [("incident", 1, "declared", None, None, "SEV2: Disk full"),
            ("incident", 1, "status_changed", "status", "detected", "investigating"),
            ("ticket", 1, "created", None, None, "High: VPN drops"),
            ("incident", 1, "commented", None, None, "Looking at it — ünïcode"),
            ("ticket", 1, "attachment_added", "attachment", None, "trace.log"),
            ("incident", 2, "declared", None, None, "SEV3: Other org"),
            ("ticket", 1, "assigned", "assignee", "—", "Rita Responder")]
    for n, (subject_type, subject_id, action, field, old, new) in enumerate(plan, start=1):
        row = dict(id=n, org_id=2 if subject_id == 2 else 1, subject_type=subject_type, subject_id=subject_id,
                   actor_id=2, source="slack" if n == 3 else "web", action=action, field=field,
                   old_value=old, new_value=new, created_at=T0 + timedelta(minutes=n), prev_hash=prev)
        row["hash"] = prev = legacy_chain_hash(row, prev)
        rows.append(row)
    return rows


def populate(conn):
    """Fill every table of the FILLED_AT schema the way the app did."""
    meta = MetaData()
    meta.reflect(conn)
    t = meta.tables
    at = T0
    fill = {
        "organizations": [dict(id=1, name="Provider", slug="provider", is_provider=True, created_at=at),
                          dict(id=2, name="Acme", slug="acme", is_provider=False, created_at=at)],
        "users": [dict(id=n, email=f"u{n}@example.com", display_name=name, password_hash="pbkdf2:x", role=role,
                       org_id=org, active=True, timezone="Europe/Paris" if n == 2 else None, created_at=at,
                       slack_user_id="U02" if n == 2 else None)
                  for n, name, role, org in [(1, "Ada Admin", "admin", 1), (2, "Rita Responder", "responder", 1),
                                             (3, "Carl Customer", "reporter", 2)]],
        "product_areas": [dict(id=1, name="Storage", description="Disks and buckets")],
        "product_area_owners": [dict(product_area_id=1, user_id=2)],
        "campaigns": [dict(id=1, name="Q4 clean-up", active=True, position=1)],
        "issue_types": [dict(id=1, name="Bug", active=True, position=1)],
        "incidents": [dict(id=1, number=1, title="Disk full", description="**/var** at 100%", severity="sev2",
                           status="investigating", product_area_id=1, org_id=1, reporter_id=2, commander_id=1,
                           assignee_id=2, created_at=at, updated_at=at, acknowledged_at=at + timedelta(minutes=2),
                           mitigated_at=None, resolved_at=None, closed_at=None),
                      dict(id=2, number=2, title="Other org", description="", severity="sev3", status="detected",
                           product_area_id=None, org_id=2, reporter_id=3, commander_id=None, assignee_id=None,
                           created_at=at, updated_at=at, acknowledged_at=None, mitigated_at=None,
                           resolved_at=None, closed_at=None)],
        "tickets": [dict(id=1, number=1, title="VPN drops", details="Every hour", external_url="https://example.com/1",
                         priority="high", status="in_progress", campaign_id=1, issue_type_id=1, org_id=1,
                         reporter_id=2, assignee_id=2, incident_id=1, resolution_notes=None, created_at=at,
                         updated_at=at, resolved_at=None, closed_at=None)],
        "comments": [dict(id=1, incident_id=1, ticket_id=None, author_id=2, body="Looking at it — ünïcode",
                          created_at=at),
                     dict(id=2, incident_id=None, ticket_id=1, author_id=1, body="Seen it too", created_at=at)],
        "attachments": [dict(id=1, org_id=1, incident_id=None, ticket_id=1, uploader_id=2, filename="trace.log",
                             storage_key="ab" * 32, content_type="text/plain", size=12, sha256="cd" * 32,
                             created_at=at)],
        "audit_events": legacy_events(),
        "counters": [dict(name="incident", value=2), dict(name="ticket", value=1), dict(name="audit_chain", value=len(legacy_events()))],
        "deliveries": [dict(id=1, channel="email", kind="incident.declared", recipient="u1@example.com",
                            payload={"subject": "[SEV2] Disk full", "n": 1}, dedup_key="incident.declared:1:1",
                            ordering_key="incident:1", state="delivered", attempts=1, next_attempt_at=at,
                            locked_until=None, last_error=None, created_at=at, delivered_at=at),
                       dict(id=2, channel="slack", kind="ticket.created", recipient="CTICKETS",
                            payload={"text": "TCK-1"}, dedup_key="ticket.created:1", ordering_key=None,
                            state="failed", attempts=8, next_attempt_at=at, locked_until=None,
                            last_error="channel_not_found", created_at=at, delivered_at=None)],
        "job_runs": [dict(id=1, job="weekly_summary", period="2026-W44", ran_at=at, deliveries=3)],
        "notification_opt_outs": [dict(user_id=2, kind="incident.commented")],
        "slack_messages": [dict(id=1, subject_type="incident", subject_id=1, slot="main", channel="CINC",
                                ts="1700000000.000100", created_at=at)],
        "slack_receipts": [dict(id=1, key="view:V1", created_at=at)],
    }
    conn.execute(t["counters"].delete())  # the migrations start some counters at 0
    for name, rows in fill.items():
        conn.execute(t[name].insert(), rows)
    if conn.dialect.name == "postgresql":  # explicit ids: move each sequence past them, as the app's inserts would
        for name, rows in fill.items():
            if "id" in t[name].c and t[name].c.id.autoincrement:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {len(rows)})"))
    missing = set(t) - set(fill) - {"alembic_version"}
    assert not missing, f"populate() fills no rows in {missing}: extend it"


def rows_kept(conn, tables):
    """Each of *tables*' rows, with the columns it has now: what an upgrade must keep."""
    kept = {}
    for table in tables:
        result = conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))
        kept[table] = (", ".join(result.keys()), result.all())
    return kept


def check_rows_kept(conn, kept):
    """The rows of rows_kept() are all there, unchanged (later migrations may have added columns)."""
    for table, (columns, rows) in kept.items():
        assert conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY id")).all() == rows, table


def snapshot(conn):
    """Every row of every table, by table, as plain dicts in primary-key order."""
    meta = MetaData()
    meta.reflect(conn)
    return {name: [dict(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
            for name, table in meta.tables.items() if name != "alembic_version"}


def rows_now():
    """snapshot() of the app's database as it is now."""
    with db.engine.connect() as conn:
        return snapshot(conn)


def unchanged(before, after=None):
    """Every row and column in *before* is still there, unchanged (in *after*, or in the database now)."""
    after = rows_now() if after is None else after
    for name, rows in before.items():
        assert [{k: row[k] for k in (rows[0] if rows else {})} for row in after[name]] == rows, name


def check_audit_verifies(app):
    """`flask audit verify` passes: the timeline's chains and seals came through the upgrade whole."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


# Columns a migration moved elsewhere on purpose: (table, column) -> where check_upgraded finds them now.
MOVED = {("users", "slack_user_id"): "external_identities (provider 'slack')"}


def check_upgraded(before, after):
    """Nothing filled before the upgrade is lost or changed after it (moved columns: where they went)."""
    for name, rows in before.items():
        assert name in after, f"table {name} was dropped"
        columns = [column for column in (rows[0] if rows else {}) if (name, column) not in MOVED]
        kept = [{column: row[column] for column in columns} for row in after[name]]
        assert kept == [{column: row[column] for column in columns} for row in rows], \
            f"rows of {name} changed in the upgrade"
    slack_ids = {row["id"]: row["slack_user_id"] for row in before["users"] if row["slack_user_id"]}
    assert {row["user_id"]: row["external_id"] for row in after["external_identities"]
            if row["provider"] == "slack"} == slack_ids


def upgrade_populated(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        upgrade(directory=migrations_dir(app), revision=FILLED_AT)
        with db.engine.begin() as conn:
            populate(conn)
        with db.engine.connect() as conn:
            before = snapshot(conn)
        upgrade(directory=migrations_dir(app))
        with db.engine.connect() as conn:
            after = snapshot(conn)
        check_upgraded(before, after)
        cli = app.test_cli_runner()
        result = cli.invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert "Audit chain intact: 7 events verified." in result.output
        assert "7 on the legacy chain" in result.output

        # New events go on their record's chain beside the legacy ones, and the worker's seal covers both.
        from app.models import User
        from app.services import audit_seal, incidents

        rita = db.session.get(User, 2)
        incidents.comment_on_incident(rita, 1, "After the upgrade")
        incidents.transition_incident(rita, 1, "mitigated")
        assert audit_seal.seal().event_count == 7 + 2
        result = cli.invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert "Audit chain intact: 9 events verified." in result.output
        assert "2 on 1 record chains" in result.output

        # The legacy chain is still checked: an old event edited after the upgrade is named.
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET new_value = 'Nothing' WHERE id = 4"))
        result = cli.invoke(args=["audit", "verify"])
        assert result.exit_code != 0 and "event 4 (incident 1, commented)" in result.output
        db.session.remove()
        db.engine.dispose()


def test_a_populated_database_upgrades_with_nothing_lost_on_sqlite(tmp_path):
    upgrade_populated(f"sqlite:///{tmp_path / 'populated.db'}")


def test_a_populated_database_upgrades_with_nothing_lost_on_postgresql():
    with postgres_database() as uri:
        upgrade_populated(uri)


def test_events_cut_from_the_legacy_chain_before_the_upgrade_are_still_reported(tmp_path):
    """The upgrade seals the legacy chain at the length its counter kept, not at what is left."""
    app = create_app(make_config(f"sqlite:///{tmp_path / 'cut.db'}"))
    with app.app_context():
        upgrade(directory=migrations_dir(app), revision=FILLED_AT)
        with db.engine.begin() as conn:
            populate(conn)
            conn.execute(text("DELETE FROM audit_events WHERE id = 7"))
        upgrade(directory=migrations_dir(app))
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code != 0 and "the latest events were removed" in result.output
        db.engine.dispose()


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
        upgrade(directory=directory)  # to head: the ORM below reads every column the models have
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT provider, external_id, user_id FROM external_identities "
                                     "ORDER BY user_id")).all()
            users = conn.execute(text("SELECT count(*) FROM users")).scalar()
        assert [tuple(row) for row in rows] == [("slack", "UADA", 1), ("slack", "URITA", 3)] and users == 3
        upgrade(directory=directory)  # the models need the newest schema
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
        upgrade(directory=directory, revision="5e2f8a1c9b7d")  # later, search_text replaces these indexes
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


def upgrade_populated_users(uri):
    """Users written before session versions exist keep everything and can sign in afterwards."""
    from app.services.sessions import user_for_session

    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="a881bc640a8a")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, is_provider, created_at) "
                              "VALUES (1, 'Relay Support', 'relay', true, '2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, "
                              "created_at) VALUES (7, 'ada@example.com', 'Ada', 'scrypt:x', 'admin', 1, true, "
                              "'2026-01-01 00:00:00')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT email, display_name, role, session_version FROM users")).one()
        assert tuple(row) == ("ada@example.com", "Ada", "admin", 0)
        assert user_for_session("7:0").email == "ada@example.com"
        assert user_for_session("7") is None  # a cookie from before the upgrade signs in again
        db.session.remove()
        db.engine.dispose()


def test_users_keep_everything_when_session_versions_arrive_on_sqlite(tmp_path):
    upgrade_populated_users(f"sqlite:///{tmp_path / 'sessions.db'}")


def test_users_keep_everything_when_session_versions_arrive_on_postgresql():
    uri, drop = _postgres_database()
    try:
        upgrade_populated_users(uri)
    finally:
        drop()


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


def upgrade_populated_outbox(uri):
    """A deliveries table with rows in every state keeps them all through the lease_token migration."""
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="a881bc640a8a")
        columns = "channel, kind, recipient, payload, dedup_key, state, attempts, next_attempt_at, locked_until, created_at"
        with db.engine.begin() as conn:
            for n, state in enumerate(["pending", "sending", "delivered", "failed"]):
                conn.execute(text(f"INSERT INTO deliveries ({columns}) VALUES ('email', 'k', :rcpt, '{{}}', :key, "
                                  ":state, 1, '2026-11-01 10:00:00', :locked, '2026-11-01 10:00:00')"),
                             {"rcpt": f"u{n}@example.com", "key": f"key-{n}", "state": state,
                              "locked": "2026-11-01 10:05:00" if state == "sending" else None})
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT recipient, state, locked_until IS NOT NULL, lease_token "
                                     "FROM deliveries ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [("u0@example.com", "pending", False, None), ("u1@example.com", "sending", True, None),
                                        ("u2@example.com", "delivered", False, None), ("u3@example.com", "failed", False, None)]


def test_populated_outbox_upgrades_on_sqlite(tmp_path):
    upgrade_populated_outbox(f"sqlite:///{tmp_path / 'populated.db'}")


def test_populated_outbox_upgrades_on_postgresql():
    uri, drop = _postgres_database()
    try:
        upgrade_populated_outbox(uri)
    finally:
        drop()
