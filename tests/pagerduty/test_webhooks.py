"""PagerDuty webhooks (v3): signatures, repeats, order, rotation, unknown services, and what they change."""
from datetime import datetime, timedelta, timezone
import json

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Delivery, DeliveryState, Incident, IncidentStatus, PagerDutyLink, Source
from app.services import escalations, pagerduty_settings
from app.services.pagerduty_signatures import signature_problem
from tests.pagerduty.conftest import ACME_CHANNEL, GLOBEX_CHANNEL, PROVIDER_SERVICE, WEBHOOK_SECRET, deliver_slack
from tests.pagerduty_standin import occurred, signature, webhook_body, webhook_headers

# PagerDuty's published example (the go-pagerduty webhookv3 test): this body, secret and signature verify.
PUBLISHED_SECRET = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK"
PUBLISHED_SIGNATURE = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd"
PUBLISHED_BODY = (
    '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident",'
    '"occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV",'
    '"id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer",'
    '"type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident",'
    '"self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2",'
    '"number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":'
    '"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH",'
    '"summary":"API Service","type":"service_reference"},"assignees":[{"html_url":'
    '"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G",'
    '"summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":'
    '"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE",'
    '"self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default",'
    '"type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0",'
    '"id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],'
    '"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM",'
    '"self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},'
    '"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},'
    '"resolve_reason":null}}}')


def test_pagerdutys_published_example_verifies():
    body = PUBLISHED_BODY.encode()
    assert signature_problem(body, PUBLISHED_SIGNATURE, [PUBLISHED_SECRET]) is None
    assert signature_problem(body, "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5",
                             [PUBLISHED_SECRET]) == "signature does not match"
    # Any v1 entry against any secret: a rotation sends two signatures, Relay may hold two secrets.
    other = "v1=" + "0" * 64
    assert signature_problem(body, f"{other},{PUBLISHED_SIGNATURE}", ["another-secret-000000", PUBLISHED_SECRET]) is None
    assert signature_problem(body, "", [PUBLISHED_SECRET]) == "no signature"
    assert signature_problem(body, "v0=abc,v2=" + "a" * 64, [PUBLISHED_SECRET]) == "no v1 signature"


class Sender:
    """Posts webhooks to Relay signed like PagerDuty (through the test client)."""

    def __init__(self, client, slug, secrets=(WEBHOOK_SECRET,)):
        self.client, self.slug, self.secrets = client, slug, list(secrets)

    def send(self, body: bytes, webhook_id=None, headers=None):
        return self.client.post(f"/pagerduty/webhooks/{self.slug}", data=body,
                                headers={**webhook_headers(body, self.secrets, webhook_id), **(headers or {})})

    def event(self, event_type, incident, webhook_id=None, **kwargs):
        return self.send(webhook_body(event_type, incident, **kwargs), webhook_id)


@pytest.fixture
def sender(client, world):
    return Sender(client, world["provider"].slug)


def escalated(db, pd_api, world, text="API is returning 500 errors"):
    """Carl escalates in Acme's channel; the trigger reaches PagerDuty; returns (incident, PagerDuty's incident)."""
    escalation = escalations.escalate(world["carl"], ACME_CHANNEL, text, thread_ts="1700000000.000100")
    deliver_slack()
    return db.session.get(Incident, escalation.incident.id), pd_api.incident_for(escalation.incident.reference)


def at(minutes):
    return occurred(datetime.now(timezone.utc) - timedelta(minutes=30) + timedelta(minutes=minutes))


def timeline(db, incident):
    return db.session.execute(select(AuditEvent.action, AuditEvent.field, AuditEvent.new_value, AuditEvent.source)
                              .where(AuditEvent.subject_type == "incident", AuditEvent.subject_id == incident.id)
                              .order_by(AuditEvent.id)).all()


def test_acknowledged_reassigned_resolved_move_the_incident_and_tell_acmes_channel(db, pd_api, sender, slack_api,
                                                                                  world):
    incident, pd_incident = escalated(db, pd_api, world)
    assert sender.event("incident.triggered", pd_incident, occurred_at=at(1)).status_code == 202
    pd_incident["status"] = "acknowledged"
    agent = {"id": "PBOB001", "summary": "Bob Responder", "type": "user_reference"}
    assert sender.event("incident.acknowledged", pd_incident, occurred_at=at(2), agent=agent).status_code == 202
    pd_api.assign(pd_incident["id"], "PBOB001")
    assert sender.event("incident.reassigned", pd_incident, occurred_at=at(3)).status_code == 202
    pd_incident["status"] = "resolved"
    assert sender.event("incident.resolved", pd_incident, occurred_at=at(4)).status_code == 202
    deliver_slack()
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert incident.status == IncidentStatus.RESOLVED and incident.assignee_id == world["bob"].id
    assert incident.acknowledged_at is not None and incident.acknowledged_at < incident.resolved_at
    link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.incident_id == incident.id))
    assert link.pd_incident_id == pd_incident["id"]
    moves = [(row.old_value, row.new_value) for row in db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == incident.id, AuditEvent.action == "status_changed"))]
    assert moves == [("detected", "investigating"), ("investigating", "resolved")]
    assert {row.source for row in timeline(db, incident)[-4:]} == {Source.PAGERDUTY}
    # Never echoed: PagerDuty got only the trigger from Relay.
    assert [e["event_action"] for e in pd_api.accepted()] == ["trigger"]
    thread = [args for args in slack_api.succeeded("chat.postMessage")
              if args["channel"] == ACME_CHANNEL and args.get("thread_ts") == "1700000000.000100"]
    texts = [args["text"] for args in thread]
    assert any("Bob Responder (PagerDuty) moved it to *Investigating*" in t for t in texts)
    assert any("assigned it to Bob Responder" in t for t in texts)
    assert any("moved it to *Resolved*" in t for t in texts)
    assert [args for args in slack_api.succeeded("chat.postMessage") if args["channel"] == GLOBEX_CHANNEL] == []
    # The confirmation was edited in place to show where it stands.
    confirmation = [m for (channel, ts), m in slack_api.messages.items() if channel == ACME_CHANNEL
                    and "escalated" in (m["text"] or "")][0]
    assert "Resolved" in json.dumps(confirmation["blocks"])


def test_the_same_webhook_three_times_is_applied_once(db, pd_api, sender, world):
    incident, pd_incident = escalated(db, pd_api, world)
    body = webhook_body("incident.acknowledged", pd_incident, occurred_at=at(2))
    answers = [sender.send(body, webhook_id="W-same").get_json()["outcome"] for _ in range(3)]
    assert answers == ["queued", "duplicate", "duplicate"]
    deliver_slack()
    assert db.session.scalar(select(func.count()).select_from(Delivery)
                             .where(Delivery.channel == "pagerduty_webhook")) == 1
    assert [row.action for row in timeline(db, incident)].count("status_changed") == 1


def test_out_of_order_webhooks_never_move_the_incident_backwards(db, pd_api, sender, world):
    incident, pd_incident = escalated(db, pd_api, world)
    sender.event("incident.resolved", pd_incident, occurred_at=at(5))
    deliver_slack()
    acknowledged_at = at(2)
    sender.event("incident.acknowledged", pd_incident, occurred_at=acknowledged_at)
    deliver_slack()
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert incident.status == IncidentStatus.RESOLVED
    # The late acknowledgement still counts for time to acknowledge: it happened first.
    ack = datetime.fromisoformat(acknowledged_at.replace("Z", "+00:00")).replace(tzinfo=None)
    assert abs((incident.acknowledged_at - ack).total_seconds()) < 1
    notes = [row.new_value for row in timeline(db, incident) if row.action == "pagerduty" and row.field == "late"]
    assert notes and "stays resolved" in notes[0]


def test_a_rotated_secret_old_and_new_valid_then_old_removed(client, db, pd_api, world):
    incident, pd_incident = escalated(db, pd_api, world)
    provider = world["provider"]
    pagerduty_settings.save_integration(world["admin"], provider.id, webhook_secret="the-new-secret-0000000002",
                                        service_ids=PROVIDER_SERVICE)
    old, new = Sender(client, provider.slug), Sender(client, provider.slug, ["the-new-secret-0000000002"])
    both = Sender(client, provider.slug, [WEBHOOK_SECRET, "the-new-secret-0000000002"])
    assert old.event("incident.escalated", pd_incident, occurred_at=at(1)).status_code == 202
    assert new.event("incident.escalated", pd_incident, occurred_at=at(2)).status_code == 202
    assert both.event("incident.escalated", pd_incident, occurred_at=at(3)).status_code == 202
    pagerduty_settings.remove_webhook_secret(world["admin"], provider.id, 1)
    assert old.event("incident.escalated", pd_incident, occurred_at=at(4)).status_code == 401
    assert new.event("incident.escalated", pd_incident, occurred_at=at(5)).status_code == 202


def test_secrets_cached_by_the_receiver_follow_what_an_admin_saves(client, db, pd_api, world):
    """The decrypted secrets are kept per process, yet every change an admin makes applies to the next webhook."""
    incident, pd_incident = escalated(db, pd_api, world)
    provider, admin, new_secret = world["provider"], world["admin"], "the-new-secret-0000000003"
    old, new = Sender(client, provider.slug), Sender(client, provider.slug, [new_secret])
    ping = json.dumps({"event": {"event_type": "pagey.ping", "id": "P1"}}).encode()
    assert old.event("incident.escalated", pd_incident, occurred_at=at(1)).status_code == 202  # cached now
    pagerduty_settings.save_integration(admin, provider.id, webhook_secret=new_secret, service_ids=PROVIDER_SERVICE)
    assert new.event("incident.escalated", pd_incident, occurred_at=at(2)).status_code == 202
    pagerduty_settings.remove_webhook_secret(admin, provider.id, 1)
    assert old.event("incident.escalated", pd_incident, occurred_at=at(3)).status_code == 401
    assert old.send(ping).status_code == 401
    assert new.send(ping).get_json()["outcome"] == "ignored"
    pagerduty_settings.delete_integration(admin, provider.id)
    assert new.event("incident.escalated", pd_incident, occurred_at=at(4)).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.channel == "pagerduty_webhook", Delivery.kind == "incident.escalated")) == 2


def test_forged_stale_or_missing_signatures_and_bad_bodies_are_refused(db, pd_api, sender, world):
    incident, pd_incident = escalated(db, pd_api, world)
    body = webhook_body("incident.resolved", pd_incident, occurred_at=at(1))
    forged = Sender(sender.client, sender.slug, ["someone-elses-secret-000"])
    assert forged.send(body).status_code == 401
    assert sender.send(body, headers={"X-PagerDuty-Signature": ""}).status_code == 401
    assert sender.client.post(f"/pagerduty/webhooks/{sender.slug}", data=body,
                              headers={"Content-Type": "application/json"}).status_code == 401
    tampered = body.replace(b"resolved", b"acknowledged")
    assert sender.send(body, headers={"X-PagerDuty-Signature": signature(body, WEBHOOK_SECRET)}).status_code == 202
    assert sender.client.post(f"/pagerduty/webhooks/{sender.slug}", data=tampered, headers={
        **webhook_headers(tampered, [WEBHOOK_SECRET]), "X-PagerDuty-Signature": signature(body, WEBHOOK_SECRET)}
    ).status_code == 401
    stale = webhook_body("incident.resolved", pd_incident, occurred_at=occurred(datetime.now(timezone.utc)
                                                                                - timedelta(days=4)))
    assert "stale" in sender.send(stale).get_json()["error"]
    future = webhook_body("incident.resolved", pd_incident, occurred_at=occurred(datetime.now(timezone.utc)
                                                                                 + timedelta(hours=1)))
    assert sender.send(future).status_code == 400
    for bad in (b"not json", b"[]", b'{"event": 1}', b'{"event": {"event_type": "incident.resolved", "data": {}}}',
                json.dumps({"event": {"event_type": "incident.resolved", "occurred_at": "yesterday",
                                      "data": {"id": "Q1", "type": "incident"}}}).encode(),
                json.dumps({"event": {"event_type": "incident.resolved", "occurred_at": at(1),
                                      "data": {"id": "<script>", "type": "incident"}}}).encode(),
                b"\xff\xfe" + b"x" * 10):
        response = sender.send(bad)
        assert response.status_code == 400, bad
    assert sender.send(body, webhook_id="bad id with spaces").status_code == 400
    assert sender.send(b"x" * (300 * 1024)).status_code == 413
    assert sender.client.post("/pagerduty/webhooks/no-such-org", data=body).status_code == 404
    assert sender.client.post(f"/pagerduty/webhooks/{world['acme'].slug}", data=body).status_code == 404  # none saved
    ping = json.dumps({"event": {"event_type": "pagey.ping", "id": "P1"}}).encode()
    assert sender.send(ping).get_json()["outcome"] == "ignored"
    assert db.session.scalar(select(func.count()).select_from(Delivery)
                             .where(Delivery.channel == "pagerduty_webhook")) == 1


def test_an_incident_that_starts_in_pagerduty_is_recorded_in_the_owning_org(db, pd_api, sender, slack_api, world):
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, service_ids="PACMESV")
    pd_incident = {"id": "QPDBORN", "number": 77, "title": "Disk full on acme-db-1", "status": "triggered",
                   "urgency": "high", "service": {"id": "PACMESV", "summary": "Acme DB", "type": "service_reference"},
                   "priority": {"summary": "P1"}, "html_url": "https://relay-test.pagerduty.com/incidents/QPDBORN"}
    assert sender.event("incident.triggered", pd_incident, occurred_at=at(1)).status_code == 202
    assert sender.event("incident.acknowledged", pd_incident, occurred_at=at(2)).status_code == 202
    deliver_slack()
    (incident,) = db.session.scalars(select(Incident).where(Incident.org_id == world["acme"].id)).all()
    assert incident.title == "Disk full on acme-db-1" and incident.severity.value == "sev1"
    assert incident.status == IncidentStatus.INVESTIGATING
    link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.incident_id == incident.id))
    assert link.started_in_pagerduty and link.pd_incident_id == "QPDBORN"
    assert timeline(db, incident)[0].source == Source.PAGERDUTY
    assert [e["event_action"] for e in pd_api.accepted()] == []  # nothing echoed back
    # No customer channel hears about it: it was not escalated from one.
    assert [a for a in slack_api.succeeded("chat.postMessage") if a["channel"] in (ACME_CHANNEL, GLOBEX_CHANNEL)] == []


def test_a_webhook_for_an_unknown_service_fails_visibly_and_creates_nothing(db, sender, world):
    pd_incident = {"id": "QUNKNOWN", "title": "Mystery", "service": {"id": "PNOBODY", "summary": "?"}}
    assert sender.event("incident.triggered", pd_incident, occurred_at=at(1)).status_code == 202
    deliver_slack()
    delivery = db.session.scalar(select(Delivery).where(Delivery.channel == "pagerduty_webhook"))
    assert delivery.state == DeliveryState.FAILED and "PNOBODY" in delivery.last_error
    assert db.session.scalar(select(Incident.id)) is None


def test_a_customers_url_cannot_touch_another_customers_incident(client, db, pd_api, world):
    incident, pd_incident = escalated(db, pd_api, world)  # Acme's, paged through the provider
    pagerduty_settings.save_integration(world["admin"], world["globex"].id, webhook_secret="globex-secret-00000001",
                                        service_ids="PGLOBEX")
    globex = Sender(client, world["globex"].slug, ["globex-secret-00000001"])
    assert globex.event("incident.resolved", pd_incident, occurred_at=at(3)).status_code == 202
    deliver_slack()
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == IncidentStatus.DETECTED
    delivery = db.session.scalar(select(Delivery).where(Delivery.channel == "pagerduty_webhook"))
    assert delivery.state == DeliveryState.FAILED  # its service is not Globex's


def test_unknown_assignees_are_shown_by_name_and_notes_go_on_the_timeline(db, pd_api, sender, slack_api, world):
    incident, pd_incident = escalated(db, pd_api, world)
    sender.event("incident.triggered", pd_incident, occurred_at=at(1))
    pd_api.assign(pd_incident["id"], "PSTRANG")
    sender.event("incident.reassigned", pd_incident, occurred_at=at(2))
    sender.event("incident.priority_updated", {**pd_incident, "priority": {"summary": "P2"}}, occurred_at=at(3),
                 agent={"id": "PBOB001", "summary": "Bob Responder"})
    note = {"type": "incident_note", "id": "N1", "content": "Rolled back <b>deploy</b> 42",
            "incident": {"id": pd_incident["id"], "type": "incident_reference"}}
    sender.event("incident.annotated", pd_incident, occurred_at=at(4), data=note)
    sender.event("incident.escalated", pd_incident, occurred_at=at(5))
    deliver_slack()
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).assignee_id is None
    rows = timeline(db, incident)
    assert ("assigned", "assignee", "Stranger Danger (no Relay account)", Source.PAGERDUTY) in rows
    notes = {row.field: row.new_value for row in rows if row.action == "pagerduty"}
    assert notes["priority"] == "Bob Responder set the priority to P2."
    assert notes["note"].endswith("Rolled back <b>deploy</b> 42") and notes["escalated"].startswith("Escalated")
    incd = [a["text"] for a in slack_api.succeeded("chat.postMessage") if a["text"].startswith(":pager:")]
    assert len(incd) >= 3 and any("&lt;b&gt;deploy&lt;/b&gt;" in t for t in incd)
    acme_texts = [a["text"] for a in slack_api.succeeded("chat.postMessage") if a["channel"] == ACME_CHANNEL]
    assert not any("Rolled back" in t for t in acme_texts)  # notes stay with the incident's own channel


def test_the_deliveries_page_shows_and_retries_webhooks(client, db, login_as, sender, world):
    pd_incident = {"id": "QLATER", "title": "Later", "service": {"id": "PLATER1", "summary": "?"}}
    sender.event("incident.triggered", pd_incident, occurred_at=at(1))
    deliver_slack()
    login_as(world["admin"])
    page = client.get("/admin/deliveries?channel=pagerduty_webhook&state=failed").get_data(as_text=True)
    assert "PLATER1" in page and "Pagerduty webhook" in page
    # An admin adds the service to Acme, retries, and the incident appears there.
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, service_ids="PLATER1")
    delivery = db.session.scalar(select(Delivery).where(Delivery.channel == "pagerduty_webhook"))
    assert client.post(f"/admin/deliveries/{delivery.id}/retry").status_code == 302
    deliver_slack()
    assert db.session.scalar(select(Incident.org_id)) == world["acme"].id


def test_a_note_that_arrives_before_its_incident_waits_and_is_applied_once_it_exists(db, sender, world):
    pd_incident = {"id": "QEARLY1", "title": "Early note", "service": {"id": PROVIDER_SERVICE, "summary": "Core"}}
    note = {"type": "incident_note", "id": "N9", "content": "Looking into it",
            "incident": {"id": "QEARLY1", "type": "incident_reference"}}
    assert sender.event("incident.annotated", pd_incident, occurred_at=at(2), data=note).status_code == 202
    from app.outbox.delivery import deliver_due

    deliver_due()
    delivery = db.session.scalar(select(Delivery).where(Delivery.kind == "incident.annotated"))
    assert delivery.state == DeliveryState.PENDING and "has not heard of yet" in delivery.last_error
    sender.event("incident.triggered", pd_incident, occurred_at=at(1))
    deliver_slack()
    incident = db.session.scalar(select(Incident))
    assert [row.new_value for row in timeline(db, incident) if row.field == "note"] == \
        ["PagerDuty added a note: Looking into it"]
