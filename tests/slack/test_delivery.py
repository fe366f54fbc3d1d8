"""The Slack deliverer against the stand-in: retries, rate limits, and Slack's refusals."""
from sqlalchemy import select

from app.models import Delivery, DeliveryState, IncidentStatus, Role, Source
from app.services import incidents
from tests.slack.conftest import INCIDENTS_CHANNEL, deliver_slack


def declare(factory, **fields):
    reporter = factory.user(Role.MANAGER, email=f"rep{factory._seq.__next__()}@example.com")
    reporter.slack_user_id = f"U{reporter.id}"
    factory.db.session.commit()
    return reporter, incidents.declare_incident(reporter, title="Disk full", severity="sev3",
                                                source=Source.SLACK, **fields)


def states(db):
    return {d.payload["op"]: d.state for d in db.session.scalars(select(Delivery))}


def test_a_taken_channel_name_gets_a_suffix(factory, slack_api, db):
    slack_api.fail("conversations.create", "name_taken", times=2)
    declare(factory)
    deliver_slack()
    assert [c["name"] for c in slack_api.calls_to("conversations.create")] == ["incd-1", "incd-1-2", "incd-1-3"]
    assert slack_api.calls_to("chat.postMessage")[0]["channel"].startswith("C")


def test_a_missing_headline_channel_fails_that_delivery_only(factory, slack_api, db, app):
    app.config["SLACK_INCIDENTS_CHANNEL"] = "CGONE"
    declare(factory)
    deliver_slack()
    failed = db.session.scalars(select(Delivery).where(Delivery.state == DeliveryState.FAILED)).all()
    assert len(failed) == 1 and "channel_not_found" in failed[0].last_error
    assert failed[0].recipient == "CGONE"
    others = db.session.scalars(select(Delivery).where(Delivery.state != DeliveryState.FAILED)).all()
    assert {d.state for d in others} == {DeliveryState.DELIVERED}


def test_not_in_channel_joins_and_posts(factory, slack_api, db):
    slack_api.fail("chat.postMessage", "not_in_channel")
    declare(factory)
    deliver_slack()
    assert slack_api.calls_to("conversations.join")
    assert set(states(db).values()) == {DeliveryState.DELIVERED}


def test_invalid_auth_is_a_permanent_failure(factory, slack_api, db, app):
    app.config["SLACK_BOT_TOKEN"] = "xoxb-revoked"
    declare(factory)
    deliver_slack()
    assert states(db)["create_channel"] == DeliveryState.FAILED
    assert "invalid_auth" in db.session.scalars(select(Delivery)).first().last_error


def test_slack_rate_limiting_for_a_while_still_delivers_everything_in_order(factory, slack_api, db):
    slack_api.ratelimit(times=6, retry_after=0)
    reporter, incident = declare(factory)
    for target in ("investigating", "mitigated", "investigating", "mitigated", "resolved"):
        incidents.transition_incident(reporter, incident.number, target, source=Source.WEB)
    slack_api.ratelimit(times=5, retry_after=0)
    deliver_slack(rounds=40)
    assert {d.state for d in db.session.scalars(select(Delivery))} == {DeliveryState.DELIVERED}
    assert [c.error for c in slack_api.calls].count("ratelimited") == 11
    summary = next(k for k in slack_api.messages if k[0] != INCIDENTS_CHANNEL and k[0].startswith("C"))
    landed = [u["text"].split(":")[0].split()[1] for u in slack_api.succeeded("chat.update")
              if (u["channel"], u["ts"]) == summary]
    assert landed == ["Investigating", "Mitigated", "Investigating", "Mitigated", "Resolved"]
    assert slack_api.messages[summary]["text"].startswith(f"{incident.reference} Resolved")
    lines = [p["text"] for p in slack_api.succeeded("chat.postMessage") if p["channel"] == summary[0]]
    assert lines[-1].endswith("from Mitigated to Resolved.")
    assert db.session.get(type(incident), incident.id).status == IncidentStatus.RESOLVED
