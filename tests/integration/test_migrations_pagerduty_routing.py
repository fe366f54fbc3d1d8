"""Routing rules (pagerduty_integrations.routing_rules, pagerduty_links.routing_key_fingerprint) on a populated database."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import make_config
from tests.integration.test_migrations import filled_then, postgres_database, snapshot
from tests.integration.test_migrations_outbox_notify import unchanged

BEFORE = "7e15c4d5d79e"  # pagerduty_links: what PagerDuty last said


def populated_upgrade_to_routing(uri):
    app = create_app(make_config(uri))
    with app.app_context():
        from app.services.core import encryption

        directory = filled_then(app, BEFORE)
        keys = encryption.encrypt('["' + "A" * 32 + '", "' + "B" * 32 + '"]')
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO pagerduty_integrations (id, org_id, routing_keys, default_severity, "
                              "paging_enabled, updated_at) VALUES (1, 1, :keys, 'sev2', true, '2026-11-01 09:00:00')"),
                         {"keys": keys})
            conn.execute(text("INSERT INTO pagerduty_links (id, incident_id, integration_org_id, dedup_key, "
                              "started_in_pagerduty, created_at) VALUES (1, 2, 1, 'INC-2', false, '2026-11-01 09:00:00')"))
        with db.engine.connect() as conn:
            before = snapshot(conn)
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            after = snapshot(conn)
        unchanged(before, after)
        assert after["pagerduty_integrations"][0]["routing_rules"] is None
        assert after["pagerduty_links"][0]["routing_key_fingerprint"] is None

        # Saved keys without rules page as before: the first key.
        from app.models import PagerDutyIntegration
        from app.services import pagerduty_routing

        integration = db.session.get(PagerDutyIntegration, 1)
        assert pagerduty_routing.key_for(integration, 2) == "A" * 32
        db.session.commit()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT routing_key_fingerprint FROM pagerduty_links")).scalar() == \
                pagerduty_routing.fingerprint("A" * 32)
        db.session.remove()
        downgrade(directory=directory, revision=BEFORE)
        with db.engine.connect() as conn:
            assert "routing_rules" not in {c["name"] for c in inspect(conn).get_columns("pagerduty_integrations")}
            assert "routing_key_fingerprint" not in {c["name"] for c in inspect(conn).get_columns("pagerduty_links")}
            unchanged(before, snapshot(conn))
        db.engine.dispose()


def test_routing_columns_arrive_on_a_populated_sqlite_database(tmp_path):
    populated_upgrade_to_routing(f"sqlite:///{tmp_path / 'populated.db'}")


def test_routing_columns_arrive_on_a_populated_postgresql_database():
    with postgres_database() as uri:
        populated_upgrade_to_routing(uri)
