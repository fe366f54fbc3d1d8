"""The SLA migration on a populated database: nothing lost, the default policy seeded, open records due for a check."""
from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Incident, SlaPolicy, SlaState, Ticket
from app.services.sla_scan import scan
from tests.conftest import make_config
from tests.integration.test_migrations import (
    FILLED_AT, check_upgraded, migrations_dir, populate, postgres_database, snapshot,
)


def upgrade_populated_to_slas(uri):
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

        policy = db.session.scalar(select(SlaPolicy))
        assert policy.org_id is None and policy.warn_percent == 75
        assert len(policy.targets) == 8 and policy.target_for("incident", "sev1").around_the_clock
        assert not policy.target_for("ticket", "low").around_the_clock
        # Open records are due for a check; the worker's first round computes them from their timelines.
        assert all(row["sla_check_at"] is not None and row["sla_state"] is None
                   for row in after["incidents"] + after["tickets"])
        assert scan() == 3
        states = {record.reference: record.sla_state for model in (Incident, Ticket)
                  for record in db.session.scalars(select(model))}
        # Filled on 2026-11-01 and never resolved: every deadline has long passed.
        assert states == {"INC-1": SlaState.BREACHED, "INC-2": SlaState.BREACHED, "TCK-1": SlaState.BREACHED}
        db.session.remove()
        db.engine.dispose()


def test_the_sla_migration_upgrades_a_populated_sqlite_database(tmp_path):
    upgrade_populated_to_slas(f"sqlite:///{tmp_path / 'populated.db'}")


def test_the_sla_migration_upgrades_a_populated_postgresql_database():
    with postgres_database() as uri:
        upgrade_populated_to_slas(uri)
