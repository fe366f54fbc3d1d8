"""The postmortems migration keeps a populated database whole, and old incidents in postmortem get a draft."""
import os

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import _postgres_database, check_rows_kept, rows_kept

BEFORE = "d3a56ba0bf5d"  # PagerDuty settings: the last schema without postmortems
AT = "2026-11-01 10:00:00"


def fill(conn):
    rows = [
        "INSERT INTO organizations (id, name, slug, is_provider, slack_channels_private, created_at) VALUES "
        f"(1, 'Provider', 'provider', true, true, '{AT}'), (2, 'Acme', 'acme', false, false, '{AT}')",
        "INSERT INTO users (id, email, display_name, password_hash, role, org_id, active, created_at, session_version)"
        f" VALUES (1, 'rita@example.com', 'Rita', 'x', 'responder', 1, true, '{AT}', 1),"
        f" (2, 'carl@acme.example', 'Carl', 'x', 'reporter', 2, true, '{AT}', 1)",
        "INSERT INTO incidents (id, number, title, description, severity, status, org_id, reporter_id, created_at,"
        " updated_at, acknowledged_at, mitigated_at, resolved_at) VALUES"
        f" (1, 1, 'Disk full', '', 'sev2', 'postmortem', 2, 2, '{AT}', '{AT}', '{AT}', '{AT}', '2026-11-01 11:30:00'),"
        f" (2, 2, 'Still open', '', 'sev3', 'investigating', 2, 2, '{AT}', '{AT}', '{AT}', NULL, NULL)",
        f"INSERT INTO comments (id, incident_id, author_id, body, created_at) VALUES (1, 1, 1, 'Found it', '{AT}'),"
        f" (2, 2, 2, 'Still slow', '{AT}')",
    ]
    for row in rows:
        conn.execute(text(row))


def upgrade_populated(uri):
    app = create_app(make_config(uri))
    directory = os.path.join(os.path.dirname(app.root_path), "migrations")
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        with db.engine.begin() as conn:
            fill(conn)
            before = rows_kept(conn, ("organizations", "users", "incidents", "comments"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            check_rows_kept(conn, before)
            assert conn.execute(text("SELECT count(*) FROM comments WHERE is_key")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM organizations WHERE postmortem_required_to_close")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM postmortems")).scalar() == 0

        # The incident in postmortem since before the upgrade gets its draft the first time staff open it.
        from app.models import Incident, User
        from app.services import postmortems

        rita = db.session.get(User, 1)
        postmortem = postmortems.get_postmortem(rita, 1)
        assert postmortem.version == 1 and "1h 30m" in postmortem.summary
        assert db.session.get(Incident, 1).postmortem is postmortem
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM postmortems")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_postmortems_arrive_in_a_populated_sqlite_database(tmp_path):
    upgrade_populated(f"sqlite:///{tmp_path / 'populated.db'}")


def test_postmortems_arrive_in_a_populated_postgresql_database():
    uri, drop = _postgres_database()
    try:
        upgrade_populated(uri)
    finally:
        drop()
