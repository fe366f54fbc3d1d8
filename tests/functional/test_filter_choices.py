"""The list filters offer exactly what they did when each list was a query of its own, in the same order."""
import re

import pytest

from app.models import Role


def _options(page, select_id):
    select = re.search(rf'<select[^>]* id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


@pytest.fixture
def viewer(factory, login_as):
    """A manager of a customer organization, with people around them who may and may not be offered."""
    acme, other = factory.org("Acme"), factory.org("Other")
    factory.user(Role.RESPONDER, name="Zoe Provider")
    factory.user(Role.MANAGER, name="Bob Provider")
    factory.user(Role.REPORTER, name="Rita Provider reporter")
    factory.user(Role.RESPONDER, name="Ian Inactive", active=False)
    factory.user(Role.RESPONDER, org=acme, name="Cal Acme")
    factory.user(Role.REPORTER, org=acme, name="Rob Acme reporter")
    factory.user(Role.RESPONDER, org=other, name="Olga Other")
    user = factory.user(Role.MANAGER, org=acme, name="Mia Acme")
    login_as(user)
    return user


PEOPLE = ["Anyone", "Bob Provider", "Cal Acme", "Mia Acme", "Zoe Provider"]


def test_incident_filters_offer_the_organization_s_staff_and_every_area(client, factory, viewer):
    factory.product_area("Zeta"), factory.product_area("Alpha")
    page = client.get("/incidents/").get_data(as_text=True)
    assert [name for _, name in _options(page, "assignee_id")] == PEOPLE
    assert [name for _, name in _options(page, "product_area_id")] == ["Any area", "Alpha", "Zeta"]


def test_ticket_filters_offer_retired_options_by_position_then_name(client, factory, viewer):
    for make in (factory.campaign, factory.issue_type):
        make("Beta", position=1), make("Alpha", position=2), make("Gamma", position=1, active=False)
    page = client.get("/tickets/").get_data(as_text=True)
    assert [name for _, name in _options(page, "campaign_id")] == ["Any campaign", "Beta", "Gamma", "Alpha"]
    assert [name for _, name in _options(page, "issue_type_id")] == ["Any issue type", "Beta", "Gamma", "Alpha"]
    people = _options(page, "assignee_id")
    assert [name for _, name in people] == PEOPLE
    assert people[3] == (str(viewer.id), "Mia Acme")


def test_a_chosen_filter_stays_selected(client, factory, viewer):
    area = factory.product_area("Alpha")
    page = client.get(f"/incidents/?product_area_id={area.id}&assignee_id={viewer.id}").get_data(as_text=True)
    assert f'<option value="{area.id}" selected>Alpha</option>' in page
    assert f'<option value="{viewer.id}" selected>Mia Acme</option>' in page
