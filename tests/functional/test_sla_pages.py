"""Where people see SLAs: badges, the filter and sort on lists, the detail card, and the admin pages."""
from datetime import datetime, timedelta

import pytest
import time_machine

from app.models import Role, SlaPolicy, SlaState
from app.services import incidents, sla_policies, tickets
from app.services.sla_scan import scan

MONDAY_9 = datetime(2026, 11, 30, 9, 0)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, factory, clock):
    provider = factory.provider()
    customer = factory.org("Acme")
    admin = factory.user(Role.ADMIN, org=provider)
    policy = sla_policies.ensure_default_policy(manager=admin)
    db.session.commit()
    return dict(provider=provider, customer=customer, admin=admin, policy=policy,
                manager=factory.user(Role.MANAGER, org=provider), staff=factory.user(Role.RESPONDER, org=provider),
                reporter=factory.user(Role.REPORTER, org=customer),
                other=factory.user(Role.REPORTER, org=factory.org("Globex")))


def test_lists_show_badges_filter_at_risk_or_breached_and_sort_by_due(world, login_as, clock):
    calm = incidents.declare_incident(world["reporter"], title="Calm one", severity="sev4")
    hot = incidents.declare_incident(world["reporter"], title="Hot one", severity="sev1")
    clock.move_to(datetime(2026, 11, 30, 9, 40))   # the SEV1's acknowledge target (15 min) is long gone
    scan()
    client = login_as(world["staff"])
    page = client.get("/incidents/").get_data(as_text=True)
    assert "breached 25m ago" in page and "due in 7h 20m" in page
    page = client.get("/incidents/?sla=attention").get_data(as_text=True)
    assert "Hot one" in page and "Calm one" not in page
    page = client.get("/incidents/?sort=due").get_data(as_text=True)
    assert page.index("Hot one") < page.index("Calm one")
    assert client.get("/incidents/?sla=nonsense").status_code == 200
    dashboard = client.get("/").get_data(as_text=True)
    assert 'data-testid="sla-attention">1<' in dashboard


def test_ticket_lists_and_detail_show_each_target(world, login_as, clock):
    ticket = tickets.create_ticket(world["reporter"], title="Printer jam", priority="high")
    clock.move_to(datetime(2026, 11, 30, 12, 30))
    scan()
    client = login_as(world["staff"])
    assert "at risk · due in 30m" in client.get("/tickets/?sla=attention").get_data(as_text=True)
    detail = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert 'data-testid="sla-respond"' in detail and "3h 30m of 4h used" in detail and "30m left" in detail
    assert "SLA: First response target at risk" in detail


def test_a_customer_sees_their_own_sla_and_nothing_of_other_organizations(world, login_as, clock):
    own = tickets.create_ticket(world["reporter"], title="Mine")
    theirs = tickets.create_ticket(world["other"], title="Globex secret")
    client = login_as(world["reporter"])
    mine = client.get("/tickets/mine").get_data(as_text=True)
    assert "Mine" in mine and "due in" in mine and "Globex secret" not in mine
    assert 'data-testid="sla"' in client.get(f"/tickets/{own.number}").get_data(as_text=True)
    assert client.get(f"/tickets/{theirs.number}").status_code == 404


@pytest.mark.parametrize("role, status", [(Role.ADMIN, 200), (Role.MANAGER, 403), (Role.RESPONDER, 403),
                                          (Role.REPORTER, 403)])
def test_only_admins_open_the_policy_pages(world, factory, login_as, role, status):
    client = login_as(factory.user(role, org=world["provider"]))
    assert client.get("/admin/sla").status_code == status
    assert client.get(f"/admin/sla/{world['policy'].id}").status_code == status
    assert client.post(f"/admin/sla/{world['policy'].id}", data={"name": "Hijacked"}).status_code in (status, 400)
    assert world["policy"].name != "Hijacked"


def test_a_customers_admin_cannot_edit_policies(world, factory, login_as):
    client = login_as(factory.user(Role.ADMIN, org=world["customer"]))
    assert client.get("/admin/sla").status_code == 403


def form_of(policy, **changes):
    data = {"name": policy.name, "timezone": policy.timezone, "warn_percent": str(policy.warn_percent),
            "holidays": "", "manager_id": "", "escalation_user_id": ""}
    for day in range(7):
        hours = policy.working_hours.get(str(day)) or ["", ""]
        data[f"opens_{day}"], data[f"closes_{day}"] = hours
    for target in policy.targets:
        for name in ("respond_minutes", "resolve_minutes", "update_minutes"):
            value = getattr(target, name)
            data[f"t{target.id}_{name}"] = "" if value is None else str(value)
        if target.around_the_clock:
            data[f"t{target.id}_around_the_clock"] = "y"
    data.update(changes)
    return data


def test_an_admin_edits_a_policy_and_open_records_follow(world, login_as, db):
    ticket = tickets.create_ticket(world["reporter"], title="Slow page", priority="high")
    policy = world["policy"]
    high = policy.target_for("ticket", "high")
    client = login_as(world["admin"])
    response = client.post(f"/admin/sla/{policy.id}", data=form_of(
        policy, timezone="Europe/Berlin", holidays="2026-12-25\n2026-12-26", **{f"t{high.id}_respond_minutes": "60"}))
    assert response.status_code == 302
    db.session.refresh(policy)
    db.session.refresh(ticket)
    assert policy.timezone == "Europe/Berlin" and policy.holidays == ["2026-12-25", "2026-12-26"]
    assert policy.target_for("ticket", "high").respond_minutes == 60
    assert ticket.sla_due_at == datetime(2026, 11, 30, 10, 0)  # raised 10:00 in Berlin, in hours: an hour later


@pytest.mark.parametrize("field, value, message", [
    ("timezone", "Mars/Olympus", "IANA timezone"),
    ("timezone", "UTC\x00", "control characters"),
    ("warn_percent", "100", "between 1 and 99"),
    ("warn_percent", "lots", "whole number"),
    ("holidays", "2026-13-01", "YYYY-MM-DD"),
    ("opens_0", "25:00", "HH:MM"),
    ("opens_0", "18:00", "end after it starts"),
    ("name", "x" * 200, "120 characters"),
    ("name", "", "required"),
    ("manager_id", "999999", "Not a valid choice"),
])
def test_bad_policy_input_is_a_field_error_and_changes_nothing(world, login_as, db, field, value, message):
    policy = world["policy"]
    client = login_as(world["admin"])
    response = client.post(f"/admin/sla/{policy.id}", data=form_of(policy, **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(policy)
    assert policy.timezone == "UTC" and policy.warn_percent == 75 and policy.name == "Standard support"


def test_bad_target_minutes_are_refused_at_their_cell(world, login_as, db):
    policy = world["policy"]
    sev1 = policy.target_for("incident", "sev1")
    client = login_as(world["admin"])
    for value in ("0", "-5", "9999999", "abc", "1e3"):
        response = client.post(f"/admin/sla/{policy.id}", data=form_of(policy, **{f"t{sev1.id}_respond_minutes": value}))
        assert response.status_code == 200 and "is-invalid" in response.get_data(as_text=True), value
    db.session.refresh(sev1)
    assert sev1.respond_minutes == 15


def test_a_customer_contract_starts_as_a_copy_of_the_default(world, login_as, db):
    client = login_as(world["admin"])
    response = client.post("/admin/sla", data={"org_id": str(world["customer"].id)})
    assert response.status_code == 302
    contract = db.session.scalar(db.select(SlaPolicy).where(SlaPolicy.org_id == world["customer"].id))
    assert len(contract.targets) == 8
    again = client.post("/admin/sla", data={"org_id": str(world["customer"].id)})
    assert "has a policy already" in again.get_data(as_text=True)
    provider = client.post("/admin/sla", data={"org_id": str(world["provider"].id)})
    assert provider.status_code == 200 and "Not a valid choice" in provider.get_data(as_text=True)
    assert client.get("/admin/sla/999999").status_code == 404


def test_waiting_on_customer_is_a_button_for_staff_and_pauses_the_badge(world, login_as, clock):
    ticket = tickets.create_ticket(world["reporter"], title="Need logs")
    client = login_as(world["staff"])
    assert "Wait for customer" in client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    client.post(f"/tickets/{ticket.number}/transition",
                data={"target": "waiting_on_customer", "expected_status": "open"})
    page = client.get("/tickets/").get_data(as_text=True)
    assert "paused" in page
    assert ticket.sla_state == SlaState.ON_TRACK


def test_analytics_and_the_weekly_summary_show_sla_compliance(world, login_as, clock, db):
    from app.jobs.incident_jobs import weekly_sections
    met = incidents.declare_incident(world["reporter"], title="Quick fix", severity="sev2")
    late = incidents.declare_incident(world["reporter"], title="Slow fix", severity="sev2")
    for incident, minutes in ((met, 10), (late, 60)):
        clock.move_to(datetime(2026, 11, 30, 9, 0) + timedelta(minutes=minutes))
        for target in ("investigating", "mitigated", "resolved"):
            incidents.transition_incident(world["staff"], incident.number, target)
    scan()
    clock.move_to(datetime(2026, 11, 30, 11, 0))
    client = login_as(world["manager"])
    page = client.get("/analytics/?period=7").get_data(as_text=True)
    assert 'data-testid="sla-compliance"' in page and "50%" in page
    assert "Acme" in page
    (incident_section, _) = weekly_sections(datetime(2026, 11, 30), datetime(2026, 12, 7))
    assert incident_section[1]["sla"] == {"met": 1, "breached": 1, "percent": 50.0}
