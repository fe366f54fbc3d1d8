"""PagerDuty settings and Slack channel links: provider admins only, secrets encrypted and shown as last 4."""
from cryptography.fernet import Fernet
import pytest
from sqlalchemy import select, text

from app.models import PagerDutyIntegration, Role, SlackChannelLink
from app.services import pagerduty_settings
from app.services.core import encryption
from app.services.core.errors import Forbidden, ValidationError
from tests.pagerduty.conftest import ACME_CHANNEL, PROVIDER_KEY, WEBHOOK_SECRET
from tests.support import field_errors, flashes


def test_customers_never_see_the_pages_and_provider_staff_need_to_be_admins(client, factory, login_as, world):
    acme_admin = factory.user(Role.ADMIN, org=world["acme"])
    pages = ["/admin/integrations/", f"/admin/integrations/pagerduty/{world['acme'].id}"]
    for user, status in [(acme_admin, 404), (world["carl"], 404), (world["bob"], 403), (world["admin"], 200)]:
        login_as(user)
        for page in pages:
            assert client.get(page).status_code == status, (user.email, page)
        assert client.post("/admin/integrations/channels", data={"channel_id": "CNEW00001",
                                                                 "org_id": str(world["acme"].id)}).status_code \
            in ({200: 302}.get(status, status),)
    client.post("/auth/logout")
    assert client.get(pages[0]).status_code == 302  # to the sign-in page


def test_saved_secrets_are_encrypted_and_shown_only_by_their_last_four(client, db, login_as, world):
    login_as(world["admin"])
    acme = world["acme"]
    response = client.post(f"/admin/integrations/pagerduty/{acme.id}", data={
        "routing_keys": "B" * 28 + "WXYZ", "service_ids": "pacmesv\nPACME02", "rest_token": "acme-rest-token-12345678",
        "webhook_secret": "acme-webhook-secret-abcd", "default_severity": "sev1", "paging_enabled": "y"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "…WXYZ" in page and "…5678" in page and "…abcd" in page
    for secret in ("B" * 28 + "WXYZ", "acme-rest-token-12345678", "acme-webhook-secret-abcd"):
        assert secret not in page
    row = db.session.execute(text("SELECT routing_keys, rest_token, webhook_secrets FROM pagerduty_integrations "
                                  "WHERE org_id = :org"), {"org": acme.id}).one()
    assert all(value and "WXYZ" not in value and "5678" not in value and "abcd" not in value for value in row)
    integration = pagerduty_settings.own_integration(acme.id)
    assert [s.service_id for s in integration.services] == ["PACME02", "PACMESV"]
    assert pagerduty_settings.routing_keys(integration) == ["B" * 28 + "WXYZ"]

    # Saving again with the secret fields empty keeps the secrets.
    response = client.post(f"/admin/integrations/pagerduty/{acme.id}", data={"service_ids": "PACMESV", "default_severity": "sev2"})
    assert response.status_code == 302, field_errors(response)
    db.session.expire_all()
    integration = pagerduty_settings.own_integration(acme.id)
    assert pagerduty_settings.rest_token(integration) == "acme-rest-token-12345678"
    assert integration.paging_enabled is False and integration.default_severity.value == "sev2"


@pytest.mark.parametrize("field, value, message", [
    ("routing_keys", "short", "Entry 1 is not a routing key."),
    ("routing_keys", ("K" * 32 + "\n") * 1 + "bad key!", "Entry 2 is not a routing key."),
    ("service_ids", "P-1", "Entry 1 is not a PagerDuty service id."),
    ("rest_token", "tiny", "A PagerDuty REST API key is 16 to 128"),
    ("webhook_secret", "has a space in it somewhere", "A signing secret is 16 to 200 visible characters"),
    ("webhook_secret", "x\x00" * 10, "must not contain control characters"),
    ("routing_keys", "K" * 5000, "Field cannot be longer than 4000 characters."),
    ("default_severity", "sev9", "Not a valid choice."),
])
def test_bad_settings_are_refused_at_their_field_and_nothing_is_saved(client, db, login_as, world, field, value,
                                                                       message):
    login_as(world["admin"])
    data = {"service_ids": "PACMESV", "default_severity": "sev2", field: value}
    response = client.post(f"/admin/integrations/pagerduty/{world['acme'].id}", data=data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert pagerduty_settings.own_integration(world["acme"].id) is None


def test_a_service_id_belongs_to_one_organization(client, login_as, world):
    login_as(world["admin"])
    response = client.post(f"/admin/integrations/pagerduty/{world['acme'].id}",
                           data={"service_ids": "PPROVID", "default_severity": "sev2"})
    assert "PPROVID already belong to another organization." in field_errors(response)


def test_outside_development_no_secret_is_saved_without_an_encryption_key(app, world):
    app.config["ENV_NAME"] = "production"
    with pytest.raises(ValidationError, match="RELAY_ENCRYPTION_KEYS"):
        pagerduty_settings.save_integration(world["admin"], world["acme"].id, routing_keys_text="C" * 32)
    # Settings without a secret are still fine.
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, service_ids="PACMESV")


def test_keys_rotate_old_tokens_still_read_and_reencrypt_moves_them_to_the_new_key(app, db, world):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    pagerduty_settings.delete_integration(world["admin"], world["provider"].id)  # saved under the testing key
    app.config["RELAY_ENCRYPTION_KEYS"] = old
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, routing_keys_text="D" * 32)
    app.config["RELAY_ENCRYPTION_KEYS"] = f"{new}, {old}"
    integration = pagerduty_settings.own_integration(world["acme"].id)
    assert pagerduty_settings.routing_keys(integration) == ["D" * 32]
    result = app.test_cli_runner().invoke(args=["secrets", "reencrypt"])
    assert result.exit_code == 0 and "Re-encrypted" in result.output
    app.config["RELAY_ENCRYPTION_KEYS"] = new
    db.session.expire_all()
    assert pagerduty_settings.routing_keys(pagerduty_settings.own_integration(world["acme"].id)) == ["D" * 32]
    app.config["RELAY_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()  # the key is lost
    with pytest.raises(encryption.SecretUnreadable):
        pagerduty_settings.routing_keys(pagerduty_settings.own_integration(world["acme"].id))
    assert "cannot be read" in pagerduty_settings.summary(pagerduty_settings.own_integration(world["acme"].id))["problem"]


def test_a_malformed_encryption_key_stops_relay_at_start(_schema):
    from app import create_app
    from tests.conftest import make_config

    with pytest.raises(SystemExit, match="key 1 is not a Fernet key"):
        create_app(make_config(_schema, RELAY_ENCRYPTION_KEYS="not-a-key"))


def test_webhook_secrets_rotate_add_then_remove(client, db, login_as, world):
    login_as(world["admin"])
    provider = world["provider"]
    client.post(f"/admin/integrations/pagerduty/{provider.id}", data={
        "service_ids": "PPROVID", "default_severity": "sev2", "paging_enabled": "y",
        "webhook_secret": "the-new-signing-secret-9999"})
    integration = pagerduty_settings.own_integration(provider.id)
    assert pagerduty_settings.webhook_secrets(integration) == [WEBHOOK_SECRET, "the-new-signing-secret-9999"]
    response = client.post(f"/admin/integrations/pagerduty/{provider.id}/secrets/1/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert pagerduty_settings.webhook_secrets(pagerduty_settings.own_integration(provider.id)) == \
        ["the-new-signing-secret-9999"]
    assert client.post(f"/admin/integrations/pagerduty/{provider.id}/secrets/7/remove").status_code == 404
    assert client.post(f"/admin/integrations/pagerduty/{provider.id}/secrets/1/remove",
                       data={"csrf_token": "forged"}).status_code == 400


def test_linking_channels_on_the_web(client, db, login_as, world):
    login_as(world["admin"])
    response = client.post("/admin/integrations/channels", data={
        "channel_id": "c0newone", "channel_name": "#Customer-Initech", "org_id": str(world["globex"].id)})
    assert response.status_code == 302
    link = db.session.scalar(select(SlackChannelLink).where(SlackChannelLink.channel_id == "C0NEWONE"))
    assert link.org_id == world["globex"].id and link.channel_name == "customer-initech"
    # Relinking moves the channel; a direct-message id or junk is refused at the field.
    client.post("/admin/integrations/channels", data={"channel_id": "C0NEWONE", "org_id": str(world["acme"].id)})
    db.session.expire_all()
    assert db.session.get(SlackChannelLink, link.id).org_id == world["acme"].id
    for bad in ("D12345678", "C<!here>", "", "C" + "1" * 60):
        response = client.post("/admin/integrations/channels", data={"channel_id": bad,
                                                                     "org_id": str(world["acme"].id)})
        assert response.status_code == 400 and field_errors(response)
    response = client.post("/admin/integrations/channels", data={"channel_id": "C0NEW2", "org_id": "999999"})
    assert response.status_code == 400
    page = client.get("/admin/integrations/").get_data(as_text=True)
    assert "customer-acme" in page and "customer-globex" in page
    response = client.post(f"/admin/integrations/channels/{link.id}/unlink", follow_redirects=True)
    assert "is no longer linked" in " ".join(flashes(response))
    assert client.post(f"/admin/integrations/channels/{link.id}/unlink").status_code == 404


def test_only_provider_admins_link_channels_in_the_service_layer(world):
    from app.services import channel_links

    for user in (world["bob"], world["carl"]):
        with pytest.raises(Forbidden):
            channel_links.link_channel(user, ACME_CHANNEL, world["globex"].slug)
    with pytest.raises(Forbidden):
        pagerduty_settings.save_integration(world["bob"], world["acme"].id, routing_keys_text=PROVIDER_KEY)


def test_an_organization_without_settings_is_paged_through_the_providers(db, world):
    assert pagerduty_settings.integration_for(world["acme"].id).org_id == world["provider"].id
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, paging_enabled=False)
    assert pagerduty_settings.integration_for(world["acme"].id).org_id == world["acme"].id
    assert db.session.scalar(select(PagerDutyIntegration.id).where(PagerDutyIntegration.org_id == world["acme"].id))


def test_own_settings_without_a_routing_key_still_page_through_the_providers(db, factory, pd_api, world):
    from app.services import escalations
    from tests.pagerduty.conftest import ACME_CHANNEL, PROVIDER_KEY, deliver_slack

    pagerduty_settings.save_integration(world["admin"], world["acme"].id, service_ids="PACMESV",
                                        default_severity="sev1")
    assert pagerduty_settings.integration_for(world["acme"].id).org_id == world["provider"].id
    escalation = escalations.escalate(world["carl"], ACME_CHANNEL, "Checkout down")
    assert escalation.paged and escalation.incident.severity.value == "sev1"  # Acme's own escalation severity
    deliver_slack()
    assert [e["routing_key"] for e in pd_api.accepted("trigger")] == [PROVIDER_KEY]
