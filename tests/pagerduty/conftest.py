"""Fixtures for the PagerDuty bridge: the PagerDuty and Slack stand-ins, Acme and Globex, signed traffic."""
import pytest

from app.models import Role
from app.services import channel_links, pagerduty_settings
from tests.pagerduty_standin import PagerDutyStandin
from tests.slack.conftest import INCIDENTS_CHANNEL, SECRET, TICKETS_CHANNEL, SlackClient, deliver_slack  # noqa: F401
from tests.slack.conftest import live_app  # noqa: F401  (a fixture)
from tests.slack_standin import SlackStandin

ACME_CHANNEL, GLOBEX_CHANNEL, UNLINKED_CHANNEL = "CACME0001", "CGLOBEX01", "CRANDOM01"
PROVIDER_KEY, ACME_KEY = "R" + "0" * 31, "A" * 32
PROVIDER_SERVICE, ACME_SERVICE, GLOBEX_SERVICE = "PPROVID", "PACMESV", "PGLOBEX"
WEBHOOK_SECRET, ACME_SECRET = "provider-signing-secret-0001", "acme-signing-secret-000000001"


@pytest.fixture
def pd_api():
    standin = PagerDutyStandin().start()
    yield standin
    standin.stop()


@pytest.fixture
def slack_api():
    standin = SlackStandin().start()
    standin.known_channels.update({INCIDENTS_CHANNEL, TICKETS_CHANNEL, ACME_CHANNEL, GLOBEX_CHANNEL,
                                   UNLINKED_CHANNEL})
    yield standin
    standin.stop()


@pytest.fixture
def config_overrides(slack_api, pd_api):
    return {"SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": slack_api.token, "SLACK_API_URL": slack_api.url,
            "SLACK_INCIDENTS_CHANNEL": INCIDENTS_CHANNEL, "SLACK_TICKETS_CHANNEL": TICKETS_CHANNEL,
            "SLACK_RESPONSE_URL_HOSTS": slack_api.base.removeprefix("http://"),
            "PAGERDUTY_EVENTS_URL": pd_api.url, "PAGERDUTY_API_URL": pd_api.url}


@pytest.fixture
def slack(client, slack_api):
    return SlackClient(client, slack_api)


@pytest.fixture
def world(factory, pd_api, slack_api):
    """The provider (paging through its own PagerDuty), Acme and Globex with linked channels, and their people."""
    provider = factory.provider()
    people = {"admin": factory.user(Role.ADMIN, org=provider, email="ada@example.com", name="Ada Admin"),
              "bob": factory.user(Role.RESPONDER, org=provider, email="bob@example.com", name="Bob Responder")}
    acme, globex = factory.org("Acme Corp"), factory.org("Globex")
    people["carl"] = factory.user(Role.REPORTER, org=acme, email="carl@acme.example", name="Carl Customer")
    people["gina"] = factory.user(Role.REPORTER, org=globex, email="gina@globex.example", name="Gina Globex")
    admin = people["admin"]
    channel_links.link_channel(admin, ACME_CHANNEL, acme.slug, channel_name="customer-acme")
    channel_links.link_channel(admin, GLOBEX_CHANNEL, globex.slug, channel_name="customer-globex")
    pagerduty_settings.save_integration(admin, provider.id, routing_keys_text=PROVIDER_KEY,
                                        rest_token_text=pd_api.token, webhook_secret=WEBHOOK_SECRET,
                                        service_ids=PROVIDER_SERVICE, default_severity="sev2")
    pd_api.add_service(PROVIDER_SERVICE, PROVIDER_KEY)
    pd_api.add_user("PBOB001", "Bob Responder", "bob@example.com")
    pd_api.add_user("PSTRANG", "Stranger Danger", "stranger@elsewhere.example")
    for key, slack_id in (("admin", "UADA"), ("bob", "UBOB"), ("carl", "UCARL"), ("gina", "UGINA")):
        slack_api.add_user(slack_id, people[key].email, people[key].display_name)
    slack_api.add_user("UNEWACME", "newbie@acme.example", "Nina Newbie")
    return {"provider": provider, "acme": acme, "globex": globex, **people}
