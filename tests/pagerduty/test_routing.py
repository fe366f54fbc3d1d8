"""Routing: each routing key may have a rule (severities, product areas); the first key that matches is paged."""
import pytest
from sqlalchemy import select

from app.models import AuditEvent, PagerDutyIntegration, PagerDutyLink, Role, Severity
from app.services import incidents, pagerduty, pagerduty_routing as routing, pagerduty_settings
from app.services.core.errors import Forbidden, NotFound, ValidationError
from tests.pagerduty.conftest import PROVIDER_KEY, PROVIDER_SERVICE, deliver_slack

SEV1_KEY, PAYMENTS_SERVICE = "S" * 32, "PPAYMNT"


@pytest.fixture
def routed(factory, pd_api, world):
    """The provider pages SEV1 payments incidents through their own key and everything else through PROVIDER_KEY."""
    payments, search = factory.product_area("Payments"), factory.product_area("Search")
    pagerduty_settings.save_integration(world["admin"], world["provider"].id, routing_keys_text=f"{SEV1_KEY}\n{PROVIDER_KEY}",
                                        service_ids=PROVIDER_SERVICE)
    routing.save_rule(world["admin"], world["provider"].id, 1, ["sev1"], [payments.id])
    pd_api.add_service(PAYMENTS_SERVICE, SEV1_KEY)
    return {"payments": payments, "search": search}


def test_the_first_matching_key_is_chosen_and_a_key_without_a_rule_matches_all():
    rules = [{"severities": ["sev1"], "product_area_ids": [7]}, {"severities": ["sev2"]}, {}]
    keys = ["A", "B", "C"]
    assert routing.choose(keys, rules, Severity.SEV1, 7) == "A"
    assert routing.choose(keys, rules, Severity.SEV1, 8) == "C"
    assert routing.choose(keys, rules, Severity.SEV2, 7) == "B"
    assert routing.choose(keys, rules, Severity.SEV3, None) == "C"
    assert routing.choose(["A", "B"], rules[:2], Severity.SEV4, None) == "A"  # nothing matches: the first key
    assert routing.choose(["A"], [], Severity.SEV4, None) == "A"


def test_a_sev1_in_payments_goes_to_its_key_and_the_rest_to_the_catch_all(db, factory, pd_api, routed, world):
    carl = world["carl"]
    urgent = factory.incident(reporter=carl, severity=Severity.SEV1, product_area_id=routed["payments"].id)
    minor = factory.incident(reporter=carl, severity=Severity.SEV3, product_area_id=routed["payments"].id)
    elsewhere = factory.incident(reporter=carl, severity=Severity.SEV1, product_area_id=routed["search"].id)
    for incident in (urgent, minor, elsewhere):
        assert pagerduty.page_incident(incident.id, None, "paged") is True
    deliver_slack()
    sent = {e["dedup_key"]: e["routing_key"] for e in pd_api.accepted("trigger")}
    assert sent == {urgent.reference: SEV1_KEY, minor.reference: PROVIDER_KEY, elsewhere.reference: PROVIDER_KEY}
    assert pd_api.incident_for(urgent.reference)["service"]["id"] == PAYMENTS_SERVICE
    link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.incident_id == urgent.id))
    assert link.routing_key_fingerprint == routing.fingerprint(SEV1_KEY) and SEV1_KEY not in link.routing_key_fingerprint


def test_a_tickets_page_goes_to_the_catch_all_key(db, factory, pd_api, routed, world):
    ticket = factory.ticket(org=world["acme"])
    assert pagerduty.page_ticket(ticket, world["admin"], "customer waiting") is True
    db.session.commit()
    deliver_slack()
    (trigger,) = pd_api.accepted("trigger")
    assert trigger["dedup_key"] == ticket.reference and trigger["routing_key"] == PROVIDER_KEY


def test_later_events_go_to_the_key_that_paged_even_after_the_incident_changes(db, factory, pd_api, routed, world):
    bob = world["bob"]
    urgent = factory.incident(reporter=world["carl"], severity=Severity.SEV1, product_area_id=routed["payments"].id)
    pagerduty.page_incident(urgent.id, None, "paged")
    deliver_slack()
    incidents.edit_incident(bob, urgent.number, severity="sev3")  # would route to the catch-all now
    incidents.transition_incident(bob, urgent.number, "investigating")
    deliver_slack()
    (ack,) = pd_api.accepted("acknowledge")
    assert ack["routing_key"] == SEV1_KEY and pd_api.incident_for(urgent.reference)["status"] == "acknowledged"


def test_replacing_the_keys_keeps_each_rule_with_its_key(db, routed, world):
    admin, provider = world["admin"], world["provider"]
    new_key = "N" * 32
    pagerduty_settings.save_integration(admin, provider.id, routing_keys_text=f"{new_key}\n{PROVIDER_KEY}\n{SEV1_KEY}",
                                        service_ids=PROVIDER_SERVICE)
    integration = pagerduty_settings.own_integration(provider.id)
    assert routing.rules_of(integration) == [{}, {}, {"severities": ["sev1"], "product_area_ids": [routed["payments"].id]}]
    pagerduty_settings.save_integration(admin, provider.id, clear_routing_keys=True, service_ids=PROVIDER_SERVICE)
    assert db.session.get(PagerDutyIntegration, integration.id).routing_rules is None


def test_rules_are_checked_and_only_provider_admins_set_them(db, routed, world):
    admin, provider = world["admin"], world["provider"]
    for position in (0, 3, "1", None):
        with pytest.raises(NotFound):
            routing.save_rule(admin, provider.id, position, ["sev1"])
    with pytest.raises(ValidationError):
        routing.save_rule(admin, provider.id, 2, ["sev9"])
    with pytest.raises(ValidationError):
        routing.save_rule(admin, provider.id, 2, [{"sev1": 1}])
    with pytest.raises(ValidationError):
        routing.save_rule(admin, provider.id, 2, [], [999_999])
    with pytest.raises(ValidationError):
        routing.save_rule(admin, provider.id, 2, [], ["x"])
    for person in ("bob", "carl"):
        with pytest.raises(Forbidden):
            routing.save_rule(world[person], provider.id, 2, ["sev2"])
    assert routing.save_rule(admin, provider.id, 1, [], []) == {}  # no rule: it matches every incident
    assert pagerduty_settings.own_integration(provider.id).routing_rules is None


def test_the_settings_page_shows_and_edits_the_rules(client, db, factory, login_as, routed, world):
    login_as(world["admin"])
    page = client.get(f"/admin/integrations/pagerduty/{world['provider'].id}").get_data(as_text=True)
    assert "SEV1 in Payments" in page and "every incident" in page
    assert SEV1_KEY not in page and PROVIDER_KEY not in page and "…SSSS" in page
    token = page.split('name="route2-csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/admin/integrations/pagerduty/{world['provider'].id}/routes/2", data={
        "route2-csrf_token": token, "route2-severities": ["sev2", "sev3"],
        "route2-product_area_ids": [str(routed["search"].id)]}, follow_redirects=True)
    assert response.status_code == 200 and "SEV2 or SEV3 in Search" in response.get_data(as_text=True)
    bad = client.post(f"/admin/integrations/pagerduty/{world['provider'].id}/routes/2", data={
        "route2-csrf_token": token, "route2-severities": ["sev9"]})
    assert bad.status_code == 400
    assert client.post(f"/admin/integrations/pagerduty/{world['provider'].id}/routes/9", data={
        "route9-csrf_token": token}).status_code in (400, 404)
    login_as(factory.user(Role.ADMIN, org=world["acme"]))
    assert client.get(f"/admin/integrations/pagerduty/{world['provider'].id}").status_code == 404
    assert client.post(f"/admin/integrations/pagerduty/{world['provider'].id}/routes/1", data={}).status_code == 404
