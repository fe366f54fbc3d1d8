"""The identities service: link an outside identity to an account, or provision a reporter."""
import pytest
from sqlalchemy import func, select

from app.models import Delivery, ExternalIdentity, Role, User
from app.services import identities
from app.services.core.errors import DomainError, Forbidden, ValidationError
from app.services.identities import Profile


def profile(email="pat@example.com", name="Pat"):
    calls = []

    def look_up():
        calls.append(1)
        return Profile(email, name)

    look_up.calls = calls
    return look_up


def identity_count(db):
    return db.session.scalar(select(func.count()).select_from(ExternalIdentity))


def test_the_first_time_links_by_email_then_by_id_without_asking(db, factory):
    factory.provider()
    pat = factory.user(Role.RESPONDER, email="pat@example.com")
    look_up = profile(email=" Pat@Example.com ")
    assert identities.account_for("pagerduty", "PD123", look_up) == pat
    db.session.remove()
    again = profile()
    assert identities.account_for("pagerduty", "PD123", again).email == "pat@example.com"
    assert len(look_up.calls) == 1 and again.calls == []
    assert identities.find("pagerduty", "PD123").external_id("pagerduty") == "PD123"


def test_an_unknown_person_becomes_a_reporter_in_the_provider_org(db, factory, app):
    provider = factory.provider()
    app.config["SLACK_ADMIN_CHANNEL"] = "CADMIN"
    user = identities.account_for("slack", "UNEW", profile(email=None, name="New Comer"))
    db.session.remove()
    user = db.session.get(User, user.id)  # committed by the service
    assert (user.role, user.org_id, user.email, user.slack_user_id) == (Role.REPORTER, provider.id,
                                                                         "unew@slack.invalid", "UNEW")
    assert not user.check_password("")
    notice = db.session.scalar(select(Delivery).where(Delivery.kind == "account.created"))
    assert notice.recipient == "CADMIN" and "<@UNEW>" in notice.payload["text"]


def test_a_reporter_can_be_provisioned_in_a_given_org(db, factory):
    factory.provider()
    customer = factory.org()
    user = identities.account_for("api", "client-7", profile(email="ops@customer.example"), org_id=customer.id)
    assert user.org_id == customer.id and user.role == Role.REPORTER


def test_other_providers_send_no_slack_notice(db, factory, app):
    factory.provider()
    app.config["SLACK_ADMIN_CHANNEL"] = "CADMIN"
    identities.account_for("pagerduty", "PNEW", profile(email="new@example.com"))
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_an_email_linked_to_another_identity_is_refused(db, factory):
    factory.provider()
    pat = factory.user(email="pat@example.com")
    pat.slack_user_id = "UPAT"
    db.session.commit()
    with pytest.raises(Forbidden):
        identities.account_for("slack", "UOTHER", profile())
    assert identities.account_for("slack", "UOTHER", profile(), provision=False) is None
    assert identity_count(db) == 1


def test_without_provision_an_unknown_person_is_none(db, factory):
    factory.provider()
    assert identities.account_for("slack", "UNOBODY", profile(email="nobody@example.com"), provision=False) is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_deactivated_account_is_refused(db, factory):
    factory.provider()
    factory.user(email="pat@example.com", active=False)
    with pytest.raises(Forbidden):
        identities.account_for("slack", "UPAT", profile())


def test_no_provider_org_means_nothing_is_written(db, factory):
    with pytest.raises(DomainError):
        identities.account_for("slack", "UNEW", profile())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0 and identity_count(db) == 0


@pytest.mark.parametrize("external_id", [None, "", 42, ["U1"], "U" * 65])
def test_missing_wrong_and_oversized_ids_are_refused(db, factory, external_id):
    factory.provider()
    look_up = profile()
    with pytest.raises(ValidationError):
        identities.account_for("slack", external_id, look_up)
    assert look_up.calls == [] and identity_count(db) == 0


def test_a_hostile_id_is_only_ever_data(db, factory):
    factory.provider()
    hostile = "U1'; DROP TABLE users; --"
    user = identities.account_for("slack", hostile, profile(email=None, name="<script>x</script>"))
    assert identities.find("slack", hostile) == user and user.display_name == "<script>x</script>"


def test_an_oversized_name_is_cut(db, factory):
    factory.provider()
    user = identities.account_for("slack", "ULONG", profile(email=None, name="n" * 500))
    assert user.display_name == "n" * 100
