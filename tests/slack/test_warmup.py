"""The boot-time warm-up rehearses the Slack paths and leaves nothing behind."""
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Delivery, Incident, Ticket, User
from app.services import incidents, tickets
from app.slack.warmup import warm_up
from tests.conftest import make_config


def _counts():
    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (Incident, Ticket, Delivery, AuditEvent)]


def test_the_warm_up_writes_nothing_and_sends_nothing(app, db, factory, slack_api, people, caplog):
    factory.product_area("Search")
    bob_id, before = people["bob"].id, _counts()
    assert warm_up(app) >= 0
    assert "warm-up skipped" not in caplog.text  # the rehearsal ran to its commit
    assert _counts() == before
    assert slack_api.calls == []
    bob = db.session.get(User, bob_id)
    assert incidents.declare_incident(bob, title="Real", severity="sev2").number == 1  # the rehearsal took no number
    assert tickets.create_ticket(bob, title="Real").number == 1


def test_the_warm_up_survives_a_database_without_tables(tmp_path, caplog):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'empty.db'}"))
    assert warm_up(app) >= 0
    assert "warm-up skipped" in caplog.text


def test_the_warm_up_with_nobody_to_act_as(app, db):
    assert warm_up(app) >= 0
    assert _counts() == [0, 0, 0, 0]
