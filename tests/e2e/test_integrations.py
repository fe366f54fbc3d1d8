"""The provider's integration pages (Slack channels, PagerDuty settings, routing keys) in a real browser at a
laptop's 1366 px and a phone's 390 px: nothing wider than the screen, the forms work, secrets show as last 4."""
import pytest
from playwright.sync_api import expect

from app.models import Role
from app.services import channel_links, pagerduty_settings

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "390px"])
ROUTING_KEY, SECOND_KEY, REST_KEY = "R0utingKeyForSev1Payments00000A1b2", "CatchAllRoutingKey000000000000Z9y8", \
    "pd-rest-key-0123456789-Qw3r"
SECRET = "webhook-signing-secret-0000-Kp7x"


@pytest.fixture
def provider(factory):
    """A provider admin, a customer with a linked channel, a long-named product area, and PagerDuty set up."""
    provider = factory.provider()
    admin = factory.user(Role.ADMIN, org=provider, email="ada@example.com", name="Ada Admin")
    acme = factory.org("Acme Intercontinental Widgets and Logistics")
    factory.product_area("Payments and invoicing across every region")
    channel_links.link_channel(admin, "CACME0001", acme.slug, channel_name="customer-acme-intercontinental-widgets")
    pagerduty_settings.save_integration(admin, provider.id, routing_keys_text=f"{ROUTING_KEY}\n{SECOND_KEY}",
                                        rest_token_text=REST_KEY, webhook_secret=SECRET, service_ids="PPROVID")
    return {"admin": admin, "provider": provider, "acme": acme}


@pytest.fixture
def view(signed_in):
    return lambda viewport, email="ada@example.com": signed_in(viewport, email)


def fits(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url


@WIDTHS
def test_the_integration_pages_fit_and_show_secrets_only_by_their_last_four(provider, view, viewport):
    page = view(viewport)
    page.goto("/admin/integrations/")
    expect(page.get_by_test_id("channel-CACME0001")).to_contain_text("Acme Intercontinental")
    fits(page, viewport)
    page.goto(f"/admin/integrations/pagerduty/{provider['provider'].id}")
    fits(page, viewport)
    html = page.content()
    for secret in (ROUTING_KEY, SECOND_KEY, REST_KEY, SECRET):
        assert secret not in html
    expect(page.get_by_test_id("saved-routing-keys")).to_contain_text("…A1b2")
    expect(page.get_by_test_id("saved-rest-token")).to_contain_text("…Qw3r")
    expect(page.get_by_test_id("secret-1")).to_contain_text("…Kp7x")
    for name in ("Events API v2 routing keys", "REST API key", "Add a webhook signing secret"):
        assert page.get_by_label(name, exact=True).input_value() == ""  # never filled back in
    expect(page.get_by_test_id("route-1-rule")).to_have_text("every incident")
    page.get_by_test_id("route-1").get_by_text("Change the rule").click()
    fits(page, viewport)


@WIDTHS
def test_an_admin_links_a_channel_and_routes_a_key_from_the_browser(provider, view, viewport):
    page = view(viewport)
    page.goto("/admin/integrations/")
    page.get_by_label("Slack channel id").fill("CGLOBEX01")
    page.get_by_label("Channel name").fill("customer-globex")
    page.get_by_label("Organization").select_option(label=provider["acme"].name)
    page.get_by_role("button", name="Link channel").click()
    expect(page.get_by_test_id("channel-CGLOBEX01")).to_be_visible()
    fits(page, viewport)

    page.goto(f"/admin/integrations/pagerduty/{provider['provider'].id}")
    route = page.get_by_test_id("route-1")
    route.get_by_text("Change the rule").click()
    route.get_by_label("Severities").select_option(["sev1"])
    route.get_by_label("Product areas").select_option(label="Payments and invoicing across every region")
    route.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Saved the rule of routing key 1.")).to_be_visible()
    expect(page.get_by_test_id("route-1-rule")).to_have_text("SEV1 in Payments and invoicing across every region")
    expect(page.get_by_test_id("route-2-rule")).to_have_text("every incident")
    fits(page, viewport)

    page.get_by_label("Add a webhook signing secret").fill("the-next-signing-secret-000-Zz90")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("secret-2")).to_contain_text("…Zz90")
    assert "the-next-signing-secret-000-Zz90" not in page.content()
    fits(page, viewport)


def test_a_customer_admin_is_not_told_the_pages_exist(factory, provider, view):
    factory.user(Role.ADMIN, org=provider["acme"], email="carla@acme.example", name="Carla")
    page = view(PHONE, email="carla@acme.example")
    response = page.goto(f"/admin/integrations/pagerduty/{provider['provider'].id}")
    assert response.status == 404
