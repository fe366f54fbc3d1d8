"""incidents.number may be empty inside a transaction: a populated database keeps every row, and numbering goes on."""
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import (check_audit_verifies, filled_then, postgres_database, rows_now,
                                               unchanged)

BEFORE, LATE_NUMBER = "eefb3662c96c", "f2c8d1a4b6e3"  # analytics rollup, the head before


def populated_upgrade_to_late_numbers(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        directory = filled_then(app, BEFORE)
        before = rows_now()
        upgrade(directory=directory, revision=LATE_NUMBER)
        unchanged(before)
        downgrade(directory=directory, revision=BEFORE)
        unchanged(before)
        upgrade(directory=directory)  # today's code numbers from the sequences later revisions make

        from app.models import User
        from app.services import incidents

        ada = db.session.get(User, 1)
        assert incidents.declare_incident(ada, title="After the upgrade", severity="sev3").number == 3
        check_audit_verifies(app)
        db.session.remove()
        db.engine.dispose()


def test_incident_numbers_may_wait_for_the_end_of_a_transaction_on_sqlite(tmp_path):
    populated_upgrade_to_late_numbers(f"sqlite:///{tmp_path / 'populated.db'}")


def test_incident_numbers_may_wait_for_the_end_of_a_transaction_on_postgresql():
    with postgres_database() as uri:
        populated_upgrade_to_late_numbers(uri)
