"""Slack tells only people who may see the record on the web; incident channels are private by default."""
import pytest
from sqlalchemy import select

from app.models import ProductArea, Role
from app.services import accounts, incidents
from app.services.core.errors import ValidationError
from tests.slack.conftest import deliver_slack


@pytest.fixture
def tenants(factory, slack_api, people):
    """Two customers; the second one's manager was (wrongly) made an owner of Payments before the rule."""
    acme, globex = factory.org("Acme"), factory.org("Globex")
    acme_reporter = factory.user(Role.REPORTER, org=acme, email="rita@acme.example", name="Rita")
    globex_manager = factory.user(Role.MANAGER, org=globex, email="gus@globex.example", name="Gus")
    slack_api.add_user("URITA", "rita@acme.example", "Rita")
    slack_api.add_user("UGUS", "gus@globex.example", "Gus")
    people["area"].owners.append(globex_manager)
    factory.db.session.commit()
    return {"acme": acme, "globex": globex, "rita": acme_reporter, "gus": globex_manager}


def _declare(people, tenants, **fields):
    return incidents.declare_incident(tenants["rita"], title="Checkout is down", description="",
                                      severity="sev2", product_area_id=people["area"].id, **fields)


def test_a_customers_incident_never_reaches_another_customers_manager(slack_api, people, tenants, db):
    _declare(people, tenants)
    deliver_slack()
    invited = ",".join(call["users"] for call in slack_api.calls_to("conversations.invite"))
    assert "UGUS" not in invited
    assert "UOLGA" in invited  # the provider's owner of the area is invited
    assert all(call["channel"] != "UGUS" for call in slack_api.calls_to("chat.postMessage"))
    assert any(call["channel"] == "UOLGA" for call in slack_api.calls_to("chat.postMessage"))
    assert all(call["channel"] != "UGUS" for call in slack_api.calls_to("conversations.open"))


def test_incident_channels_are_private_by_default(slack_api, people, tenants, db):
    _declare(people, tenants)
    deliver_slack()
    (created,) = slack_api.calls_to("conversations.create")
    assert created["is_private"] in (True, "true", "1")


def test_an_organization_may_choose_public_channels(slack_api, people, tenants, db, factory):
    admin = factory.user(Role.ADMIN, org=factory.provider())
    accounts.set_slack_channels_private(admin, tenants["acme"].id, False)
    _declare(people, tenants)
    deliver_slack()
    (created,) = slack_api.calls_to("conversations.create")
    assert created.get("is_private") in (None, False, "false", "0")


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER, Role.MANAGER])
def test_only_admins_choose_channel_privacy(factory, tenants, role):
    from app.services.core.errors import Forbidden

    with pytest.raises(Forbidden):
        accounts.set_slack_channels_private(factory.user(role, org=factory.provider()), tenants["acme"].id, False)


def test_channel_privacy_of_an_unknown_organization(factory):
    from app.services.core.errors import NotFound

    with pytest.raises(NotFound):
        accounts.set_slack_channels_private(factory.user(Role.ADMIN, org=factory.provider()), 2**31 - 1, False)


def test_owners_must_be_provider_staff(factory, tenants, db):
    admin = factory.user(Role.ADMIN, org=factory.provider())
    with pytest.raises(ValidationError) as refused:
        accounts.create_product_area(admin, name="Search", owner_ids=[str(tenants["gus"].id)])
    assert "provider" in refused.value.errors["owner_ids"]
    reporter = factory.user(Role.REPORTER, org=factory.provider())
    with pytest.raises(ValidationError):
        accounts.create_product_area(admin, name="Search", owner_ids=[str(reporter.id)])
    assert db.session.scalar(select(ProductArea).where(ProductArea.name == "Search")) is None
    staff = factory.user(Role.RESPONDER, org=factory.provider())
    assert accounts.create_product_area(admin, name="Search", owner_ids=[str(staff.id)]).owners == [staff]


def test_the_admin_page_sets_channel_privacy(client, factory, login_as, tenants, db):
    login_as(factory.user(Role.ADMIN, org=factory.provider()))
    page = client.get("/admin/organizations").get_data(as_text=True)
    assert "Private" in page
    response = client.post(f"/admin/organizations/{tenants['acme'].id}/slack-channels", data={"private": "0"})
    assert response.status_code == 302
    db.session.refresh(tenants["acme"])
    assert tenants["acme"].slack_channels_private is False
    assert client.post(f"/admin/organizations/{tenants['acme'].id}/slack-channels",
                       data={"private": "1"}).status_code == 302
    db.session.refresh(tenants["acme"])
    assert tenants["acme"].slack_channels_private is True


@pytest.mark.parametrize("value", ["", "maybe", "\x00", "1" * 100000])
def test_the_admin_page_refuses_odd_privacy_values(client, factory, login_as, tenants, db, value):
    login_as(factory.user(Role.ADMIN, org=factory.provider()))
    response = client.post(f"/admin/organizations/{tenants['acme'].id}/slack-channels", data={"private": value},
                           follow_redirects=True)
    assert response.status_code == 400 or "Choose" in response.get_data(as_text=True)
    db.session.refresh(tenants["acme"])
    assert tenants["acme"].slack_channels_private is True


def test_the_admin_page_for_another_role_or_organization(client, factory, login_as, tenants):
    login_as(factory.user(Role.MANAGER, org=factory.provider()))
    assert client.post(f"/admin/organizations/{tenants['acme'].id}/slack-channels",
                       data={"private": "0"}).status_code in (302, 403)
    login_as(factory.user(Role.ADMIN, org=factory.provider()))
    assert client.post("/admin/organizations/999999/slack-channels", data={"private": "0"}).status_code == 404
    assert client.post(f"/admin/organizations/{2**40}/slack-channels", data={"private": "0"}).status_code == 404
