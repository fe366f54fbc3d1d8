"""The whole story over real HTTP: Acme and Globex escalate at once in their own channels, PagerDuty pages,
its webhooks come back signed, Acme's incident and channel move, and Globex's channel hears nothing of Acme."""
from concurrent.futures import ThreadPoolExecutor
import json

from sqlalchemy import func, select

from app.models import Incident, IncidentStatus
from tests.pagerduty.conftest import ACME_CHANNEL, GLOBEX_CHANNEL, WEBHOOK_SECRET, deliver_slack
from tests.pagerduty_standin import occurred, send_webhook, webhook_body, webhook_headers
from tests.slack.conftest import http_post


def mention(base, user, channel, text, event_id, ts):
    body = json.dumps({"type": "event_callback", "event_id": event_id, "event": {
        "type": "app_mention", "user": user, "text": f"<@UBOT> {text}", "ts": ts, "channel": channel}})
    return http_post(f"{base}/slack/events", body, "application/json")


def messages_in(slack_api, channel):
    return [m for (c, _), m in slack_api.messages.items() if c == channel]


def test_acme_and_globex_escalate_at_once_and_only_acme_hears_about_acme(live_app, db, pd_api, slack_api, world):
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda args: mention(live_app, *args), [
            ("UCARL", ACME_CHANNEL, "escalate API is returning 500 errors", "EvAcme", "1700000001.000100"),
            ("UGINA", GLOBEX_CHANNEL, "escalate Invoices are not sent", "EvGlobex", "1700000001.000200")]))
    assert [status for status, _ in answers] == [200, 200]
    acme_incident = db.session.scalar(select(Incident).where(Incident.org_id == world["acme"].id))
    globex_incident = db.session.scalar(select(Incident).where(Incident.org_id == world["globex"].id))
    assert acme_incident.title == "API is returning 500 errors" and globex_incident.title == "Invoices are not sent"

    deliver_slack()
    assert sorted(e["dedup_key"] for e in pd_api.accepted("trigger")) == sorted(
        [acme_incident.reference, globex_incident.reference])
    pd_acme = pd_api.incident_for(acme_incident.reference)

    # PagerDuty's webhooks, signed and sent over HTTP, in the order a responder works.
    url = f"{live_app}/pagerduty/webhooks/{world['provider'].slug}"
    bob = {"id": "PBOB001", "summary": "Bob Responder", "type": "user_reference"}
    steps = [("incident.triggered", None), ("incident.acknowledged", "acknowledged"),
             ("incident.reassigned", None), ("incident.resolved", "resolved")]
    for minute, (event_type, status) in enumerate(steps):
        if status:
            pd_acme["status"] = status
        if event_type == "incident.reassigned":
            pd_api.assign(pd_acme["id"], "PBOB001")
        body = webhook_body(event_type, pd_acme, agent=bob, occurred_at=occurred())
        assert send_webhook(url, body, webhook_headers(body, [WEBHOOK_SECRET]))[0] == 202
    deliver_slack()

    db.session.expire_all()
    acme_incident = db.session.get(Incident, acme_incident.id)
    assert acme_incident.status == IncidentStatus.RESOLVED and acme_incident.assignee.email == "bob@example.com"
    assert db.session.get(Incident, globex_incident.id).status == IncidentStatus.DETECTED

    acme = json.dumps(messages_in(slack_api, ACME_CHANNEL))
    for news in ("moved it to *Investigating*", "assigned it to Bob Responder", "moved it to *Resolved*"):
        assert news in acme
    globex = messages_in(slack_api, GLOBEX_CHANNEL)
    assert len(globex) == 1 and globex_incident.reference in globex[0]["text"]
    assert "Acme" not in json.dumps(globex) and acme_incident.reference not in json.dumps(globex)
    # Relay sent PagerDuty the two triggers and nothing it had been told by PagerDuty itself.
    assert [e["event_action"] for e in pd_api.accepted()] == ["trigger", "trigger"]


def test_the_same_webhook_three_times_at_the_same_moment_is_queued_once(live_app, db, world):
    from app.models import Delivery

    pd_incident = {"id": "QRACE01", "title": "Race", "service": {"id": "PPROVID", "summary": "Core"}}
    body = webhook_body("incident.triggered", pd_incident, occurred_at=occurred())
    headers = webhook_headers(body, [WEBHOOK_SECRET], webhook_id="W-race")
    url = f"{live_app}/pagerduty/webhooks/{world['provider'].slug}"
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: send_webhook(url, body, headers), range(3)))
    outcomes = sorted(json.loads(text)["outcome"] for _, text in answers)
    assert outcomes == ["duplicate", "duplicate", "queued"]
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.dedup_key.like("%W-race"))) == 1
    deliver_slack()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
