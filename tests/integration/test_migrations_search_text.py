"""search_text (PostgreSQL's lowercased copy of titles and bodies) on a populated database."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import filled_then, postgres_database, snapshot
from tests.integration.test_migrations_outbox_notify import unchanged

BEFORE = "f2c8d1a4b6e3"  # incidents numbered late
SEARCH_TEXT = "3f9c2d7a5e18"
OLD_INDEXES = {"ix_incidents_title_trgm", "ix_incidents_description_trgm", "ix_tickets_title_trgm",
               "ix_tickets_details_trgm"}
NEW_INDEXES = {"ix_incidents_search_trgm", "ix_tickets_search_trgm"}


def trigram_indexes(conn):
    return {i["name"] for table in ("incidents", "tickets") for i in inspect(conn).get_indexes(table)
            if i["name"].endswith("_trgm")}


def populated_upgrade_to_search_text(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, BEFORE)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE incidents SET title = 'Ünïcode GATEWAY down' WHERE id = 2"))
        with db.engine.connect() as conn:
            before = snapshot(conn)
            indexes_before = trigram_indexes(conn)
        upgrade(directory=directory, revision=SEARCH_TEXT)
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.connect() as conn:
            unchanged(before, snapshot(conn))
            assert trigram_indexes(conn) == (NEW_INDEXES if postgres else set())
            if postgres:
                assert indexes_before == OLD_INDEXES
                stale = conn.execute(text(
                    "SELECT count(*) FROM incidents WHERE search_text <> lower(title) || E'\\n' || lower(description)"
                )).scalar()
                folded = conn.execute(text("SELECT search_text FROM incidents WHERE id = 2")).scalar()
                tickets = conn.execute(text(
                    "SELECT count(*) FROM tickets WHERE search_text = lower(title) || E'\\n' || lower(details)")).scalar()
                assert stale == 0 and folded.startswith("ünïcode gateway down\n")
                assert tickets == len(before["tickets"]) > 0

        # The lists find the same rows through the copy as ILIKE found before.
        from app.models import User
        from app.services.incident_queries import IncidentFilters, incident_rows

        admin = db.session.scalars(db.select(User).where(User.role == "admin")).first()
        rows = incident_rows(admin, IncidentFilters(q="gateway")).items
        assert [row.title for row in rows] == ["Ünïcode GATEWAY down"]
        db.session.remove()

        downgrade(directory=directory, revision=BEFORE)
        with db.engine.connect() as conn:
            assert "search_text" not in {c["name"] for c in inspect(conn).get_columns("incidents")}
            assert "search_text" not in {c["name"] for c in inspect(conn).get_columns("tickets")}
            assert trigram_indexes(conn) == indexes_before
            unchanged(before, snapshot(conn))
        db.engine.dispose()


def test_search_text_arrives_on_a_populated_sqlite_database(tmp_path):
    populated_upgrade_to_search_text(f"sqlite:///{tmp_path / 'populated.db'}")


def test_search_text_arrives_on_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_to_search_text(uri)
