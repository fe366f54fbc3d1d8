"""Incident and ticket numbers from sequences on PostgreSQL: a populated database numbers on after what it holds."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import (check_audit_verifies, filled_then, postgres_database, rows_now,
                                               unchanged)

BEFORE, SEQUENCES = "c5d8e2f1a7b3", "d4e7a1c9b2f5"  # analytics read index, the head before


def raised(snapshot, incident_counter):
    counters = [dict(row, value=incident_counter) if row["name"] == "incident" else row for row in snapshot["counters"]]
    return dict(snapshot, counters=counters)


def populated_upgrade_to_sequences(uri, incident_counter):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, BEFORE)
        with db.engine.begin() as conn:  # the counter may be ahead of the rows (a deleted incident)
            conn.execute(text("UPDATE counters SET value = :value WHERE name = 'incident'"),
                         {"value": incident_counter})
        before = rows_now()
        upgrade(directory=directory, revision=SEQUENCES)
        unchanged(before)
        downgrade(directory=directory, revision=BEFORE)
        unchanged(raised(before, max(incident_counter, 2)))  # a counter behind its rows comes back raised to them
        upgrade(directory=directory, revision=SEQUENCES)

        from app.models import User
        from app.services import incidents, tickets

        ada = db.session.get(User, 1)
        assert incidents.declare_incident(ada, title="After the upgrade", severity="sev3").number == \
            max(incident_counter, 2) + 1
        assert tickets.create_ticket(ada, title="After the upgrade", priority="low").number == 2
        check_audit_verifies(app)
        db.session.remove()
        db.engine.dispose()


def test_numbers_go_on_after_the_upgrade_on_sqlite(tmp_path):
    populated_upgrade_to_sequences(f"sqlite:///{tmp_path / 'populated.db'}", 2)


def test_numbers_go_on_after_the_highest_number_on_postgresql():
    with postgres_database() as uri:
        populated_upgrade_to_sequences(uri, 1)  # a counter behind its rows: max(number) wins


def test_numbers_go_on_after_the_counter_on_postgresql():
    with postgres_database() as uri:
        populated_upgrade_to_sequences(uri, 5)


def test_a_downgrade_hands_the_counter_the_last_number_taken_on_postgresql():
    with postgres_database() as uri:
        app = create_app(make_config(uri))
        with app.app_context():
            directory = filled_then(app, SEQUENCES)
            from app.models import User
            from app.services import incidents

            incidents.declare_incident(db.session.get(User, 1), title="Before the downgrade", severity="sev3")
            db.session.remove()
            downgrade(directory=directory, revision=BEFORE)
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT value FROM counters WHERE name = 'incident'")).scalar() == 3
            db.engine.dispose()
