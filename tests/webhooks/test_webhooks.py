"""Outbound webhooks end to end: events from any front, signed, verified by the standardwebhooks library."""
from datetime import timedelta
import socket

import pytest

from app.models import Delivery, DeliveryState, Role
from app.models.base import utcnow
from app.models.webhook import WebhookAttempt, WebhookEndpoint
from app.outbox.delivery import deliver_due
from app.services import api_tokens, incidents, outbound_urls, tickets, webhooks
from app.services.core.errors import ValidationError
from tests.api.conftest import ApiClient
from tests.webhooks.receiver import Receiver


@pytest.fixture
def config_overrides():
    return {"WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_DISABLE_AFTER": 3, "WORKER_MAX_ATTEMPTS": 2}


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def crew(factory):
    customer = factory.org("Acme")
    return {"admin": factory.user(Role.ADMIN), "customer": customer,
            "responder": factory.user(Role.RESPONDER, org=customer)}


def endpoint_for(admin, receiver, org, events=("incident.*",)):
    endpoint, secret = webhooks.create_endpoint(admin, org_id=org.id, url=receiver.url, events=list(events))
    receiver.secret = secret
    return endpoint


def later():
    return utcnow() + timedelta(days=1)  # every retry is due by then


def test_an_api_change_arrives_signed_with_the_record_as_the_api_shows_it(client, crew, receiver):
    endpoint_for(crew["admin"], receiver, crew["customer"])
    raw = api_tokens.create_personal_token(crew["responder"], name="ci", scope="write")[1]
    api = ApiClient(client, raw)
    created = api.post("/api/v1/incidents", json={"title": "Checkout down", "severity": "sev1"})
    assert receiver.received == []  # the request did not wait for the receiver
    location = created.headers["Location"]
    api.post(f"{location}/transitions", json={"status": "investigating"})
    deliver_due()
    assert receiver.rejected == []
    declared, moved = receiver.received
    assert declared["body"]["type"] == "incident.declared"
    assert declared["body"]["data"]["incident"] == created.json
    assert declared["body"]["data"]["actor"] == {"id": crew["responder"].id,
                                                 "display_name": crew["responder"].display_name}
    assert declared["body"]["data"]["source"] == "api"
    assert moved["body"]["data"]["changes"] == {"status": {"old": "detected", "new": "investigating"}}
    assert moved["body"]["data"]["incident"] == api.get(location).json
    assert declared["headers"]["webhook-id"] != moved["headers"]["webhook-id"]
    assert declared["headers"]["webhook-signature"].startswith("v1,")


def test_events_follow_the_endpoints_choice_and_the_records_organization(factory, crew, receiver):
    other = Receiver().start()
    try:
        endpoint_for(crew["admin"], receiver, crew["customer"], events=("ticket.status_changed",))
        globex = factory.org("Globex")
        _, other.secret = webhooks.create_endpoint(crew["admin"], org_id=globex.id, url=other.url,
                                                   events=["ticket.*", "incident.*"])
        incidents.declare_incident(crew["responder"], title="Ours", severity="sev3")  # not chosen
        ticket = tickets.create_ticket(crew["responder"], title="Printer")
        tickets.assign_to_me(crew["responder"], ticket.number)  # open -> in progress
        deliver_due()
        assert [m["body"]["type"] for m in receiver.received] == ["ticket.status_changed"]
        assert receiver.received[0]["body"]["data"]["ticket"]["status"] == "in_progress"
        assert other.received == []  # Globex hears nothing of Acme's records
    finally:
        other.stop()


def test_the_providers_endpoints_hear_every_organization(crew, receiver, factory):
    endpoint_for(crew["admin"], receiver, factory.provider(), events=("incident.declared",))
    incidents.declare_incident(crew["responder"], title="Acme's", severity="sev2")
    deliver_due()
    assert [m["body"]["data"]["incident"]["title"] for m in receiver.received] == ["Acme's"]


def test_a_failing_receiver_is_retried_logged_then_switched_off_with_an_email(app, db, crew, receiver,
                                                                               smtp_server):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    receiver.statuses = [500, 503]
    incidents.declare_incident(crew["responder"], title="First", severity="sev3")
    deliver_due()
    deliver_due(now=later())  # the retry
    delivery = db.session.query(Delivery).filter_by(channel="webhook").one()
    assert delivery.state is DeliveryState.FAILED and delivery.attempts == 2
    log = [(a.status_code, a.event_type) for a in webhooks.attempts_of(endpoint)]
    assert log == [(503, "incident.declared"), (500, "incident.declared")]
    assert db.session.get(WebhookEndpoint, endpoint.id).active
    receiver.statuses = [500]
    incidents.declare_incident(crew["responder"], title="Second", severity="sev3")
    deliver_due()
    db.session.expire_all()
    switched = db.session.get(WebhookEndpoint, endpoint.id)
    assert not switched.active and "3 attempts in a row failed" in switched.disabled_reason
    deliver_due()  # the email to the admins
    notices = [m for m in smtp_server.to(crew["admin"].email) if "Webhook switched off" in m["Subject"]]
    assert len(notices) == 1 and receiver.url[:40] in notices[0]["Subject"]
    incidents.declare_incident(crew["responder"], title="Third", severity="sev3")
    deliver_due(now=later())
    assert len(receiver.received) == 3  # the three failed tries; nothing goes to a switched-off endpoint


def test_a_success_resets_the_count(db, crew, receiver):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    receiver.statuses = [500]
    incidents.declare_incident(crew["responder"], title="One", severity="sev3")
    deliver_due()
    assert db.session.get(WebhookEndpoint, endpoint.id).failures_in_a_row == 1
    deliver_due(now=later())
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).failures_in_a_row == 0


def test_410_gone_switches_the_endpoint_off_at_once(db, crew, receiver):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    receiver.statuses = [410]
    incidents.declare_incident(crew["responder"], title="One", severity="sev3")
    deliver_due()
    db.session.expire_all()
    assert not db.session.get(WebhookEndpoint, endpoint.id).active
    assert db.session.query(Delivery).filter_by(channel="webhook").one().state is DeliveryState.FAILED


def test_a_forged_or_replayed_message_fails_verification(crew, receiver):
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    endpoint_for(crew["admin"], receiver, crew["customer"])
    incidents.declare_incident(crew["responder"], title="One", severity="sev3")
    deliver_due()
    [message] = receiver.received
    body = b'{"type":"incident.declared","data":{"forged":true}}'
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secret).verify(body, message["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(b"{}", message["headers"])


def test_the_test_event_goes_through_the_outbox(crew, receiver):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    webhooks.send_test(crew["admin"], endpoint.id)
    assert receiver.received == []
    deliver_due()
    assert receiver.received[0]["body"]["type"] == "webhook.test"


def test_without_allow_private_loopback_is_refused_at_save_and_at_send(app, db, crew, receiver):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    with pytest.raises(ValidationError) as error:
        webhooks.create_endpoint(crew["admin"], org_id=crew["customer"].id, url=receiver.url, events=["incident.*"])
    assert "loopback" in error.value.errors["url"]
    incidents.declare_incident(crew["responder"], title="One", severity="sev3")
    deliver_due()
    assert receiver.received == []
    attempt = db.session.query(WebhookAttempt).one()
    assert attempt.status_code is None and "loopback" in attempt.error
    assert db.session.query(Delivery).filter_by(channel="webhook").one().state is DeliveryState.FAILED


@pytest.mark.parametrize("url, words", [
    ("ftp://example.com/x", "http"), ("file:///etc/passwd", "http"), ("gopher://127.0.0.1/", "http"),
    ("http://127.0.0.1:8080/", "loopback"), ("http://localhost/", "loopback"), ("http://[::1]/", "loopback"),
    ("http://10.0.0.5/", "private"), ("http://192.168.1.1/", "private"), ("http://172.16.0.1/", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"), ("http://0.0.0.0/", "reserved"),
    ("http://[::ffff:127.0.0.1]/", "loopback"), ("http://100.64.0.1/", "private"), ("http://[fd00::1]/", "private"),
    ("http://user:pw@example.com/", "password"), ("http://", "host"), ("http://exa mple.com/", "control"),
    ("http://example.com:99999/", "cannot be read"), ("", "http"), ("x" * 2001, "2000"),
    ("http://no-such-host.invalid/", "cannot be found"),
])
def test_urls_relay_will_not_send_to(url, words):
    with pytest.raises(ValidationError) as error:
        outbound_urls.check(url)
    assert words in error.value.errors["url"], error.value.errors


def test_a_public_address_passes():
    target = outbound_urls.check("https://93.184.215.14:8443/hooks?x=1")
    assert (target.scheme, target.port, target.path, target.addresses) == ("https", 8443, "/hooks?x=1",
                                                                          ("93.184.215.14",))


@pytest.mark.parametrize("fields, field", [
    ({"events": []}, "events"), ({"events": ["incident.everything"]}, "events"), ({"events": "rm -rf"}, "events"),
    ({"org_id": 99999}, "org_id"), ({"org_id": "x"}, "org_id"), ({"description": "a\x00b"}, "description"),
    ({"description": "x" * 201}, "description"),
])
def test_bad_endpoint_settings_name_the_field(crew, receiver, fields, field):
    values = {"org_id": crew["customer"].id, "url": receiver.url, "events": ["incident.*"], **fields}
    with pytest.raises(ValidationError) as error:
        webhooks.create_endpoint(crew["admin"], **values)
    assert field in error.value.errors


def test_only_provider_admins_manage_endpoints(crew, receiver):
    from app.services.core.errors import Forbidden

    with pytest.raises(Forbidden):
        webhooks.create_endpoint(crew["responder"], org_id=crew["customer"].id, url=receiver.url,
                                 events=["incident.*"])


def test_the_secret_is_stored_encrypted(db, crew, receiver):
    endpoint = endpoint_for(crew["admin"], receiver, crew["customer"])
    assert receiver.secret.startswith("whsec_") and receiver.secret not in endpoint.secret_encrypted
    assert webhooks.secret_of(db.session.get(WebhookEndpoint, endpoint.id)) == receiver.secret


def test_the_admin_pages_add_test_edit_and_delete_an_endpoint(client, login_as, db, crew, receiver):
    import re

    login_as(crew["admin"])
    assert b"No webhook endpoints yet" in client.get("/admin/webhooks").data
    created = client.post("/admin/webhooks", data={"org_id": crew["customer"].id, "url": receiver.url,
                                                   "events": ["incident.*", "ticket.created"], "description": "CI"})
    assert created.status_code == 200, created.data[-2000:]
    receiver.secret = re.search(rb'value="(whsec_[A-Za-z0-9+/=]+)"', created.data).group(1).decode()
    endpoint = db.session.query(WebhookEndpoint).one()
    assert endpoint.events == "incident.* ticket.created"
    assert b"whsec_" not in client.get(f"/admin/webhooks/{endpoint.id}").data  # shown once
    assert client.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 302
    deliver_due()
    page = client.get(f"/admin/webhooks/{endpoint.id}").data
    assert b"webhook.test" in page and b">200<" in page
    saved = client.post(f"/admin/webhooks/{endpoint.id}", data={"url": receiver.url, "events": ["ticket.*"],
                                                                 "description": "", "active": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).events == "ticket.*"
    assert not db.session.get(WebhookEndpoint, endpoint.id).active
    assert client.post(f"/admin/webhooks/{endpoint.id}/delete").status_code == 302
    assert db.session.query(WebhookEndpoint).count() == 0


@pytest.mark.parametrize("data, message", [
    ({"url": "", "events": ["incident.*"]}, b"This field is required"),
    ({"url": "ftp://x.example/", "events": ["incident.*"]}, b"Only http"),
    ({"url": "http://127.0.0.1:1/\x00", "events": ["incident.*"]}, b"control characters"),
    ({"url": "http://x.example/", "events": []}, b"Choose at least one event"),
    ({"url": "http://x.example/", "events": ["incident.nope"]}, b"not a valid choice"),
    ({"url": "http://" + "x" * 2001, "events": ["incident.*"]}, b"2000 characters"),
])
def test_bad_endpoint_forms_come_back_at_the_field(client, login_as, db, crew, data, message):
    login_as(crew["admin"])
    response = client.post("/admin/webhooks", data={"org_id": crew["customer"].id, "description": "", **data})
    assert response.status_code == 422 and message in response.data, response.data[-3000:]
    assert db.session.query(WebhookEndpoint).count() == 0


def test_webhook_pages_are_for_provider_admins(client, login_as, factory, crew):
    login_as(factory.user(Role.ADMIN, org=crew["customer"]))
    assert client.get("/admin/webhooks").status_code == 403
    login_as(factory.user(Role.MANAGER))
    assert client.get("/admin/webhooks").status_code == 403
    login_as(crew["admin"])
    assert client.get("/admin/webhooks/999").status_code == 404
