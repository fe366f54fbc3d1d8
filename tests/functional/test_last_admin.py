"""Relay keeps at least one active admin in the provider organization, whoever edits whom."""
import pytest

from app.models import Role
from app.services import accounts
from app.services.core.errors import ValidationError


@pytest.fixture
def provider_admin(factory):
    return factory.user(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def customer(factory):
    return factory.org("Acme")


def edit(actor, user, **changes):
    fields = {"email": user.email, "display_name": user.display_name, "role": user.role.value,
              "org_id": str(user.org_id), "active": user.active, **changes}
    return accounts.update_user(actor, user.id, **fields)


def test_the_last_provider_admin_cannot_move_themselves_to_a_customer(db, provider_admin, customer, factory):
    factory.user(Role.ADMIN, org=customer)  # a customer's admin does not manage Relay
    with pytest.raises(ValidationError) as refused:
        edit(provider_admin, provider_admin, org_id=str(customer.id))
    assert refused.value.errors == {"org_id": "Ada Admin is the last admin of Provider: make someone else an "
                                              "admin there first, or Relay cannot be managed."}
    db.session.rollback()
    db.session.refresh(provider_admin)
    assert provider_admin.org.is_provider and provider_admin.role == Role.ADMIN


def test_another_provider_admin_can_be_moved_until_one_is_left(db, provider_admin, customer, factory):
    other = factory.user(Role.ADMIN)
    edit(provider_admin, other, org_id=str(customer.id))
    assert other.org == customer
    with pytest.raises(ValidationError):
        edit(provider_admin, provider_admin, org_id=str(customer.id))


def test_with_two_provider_admins_one_may_move_themselves(db, provider_admin, customer, factory):
    factory.user(Role.ADMIN)
    edit(provider_admin, provider_admin, org_id=str(customer.id))
    assert provider_admin.org == customer


def test_an_inactive_or_customer_admin_does_not_count(db, provider_admin, customer, factory):
    factory.user(Role.ADMIN, active=False)
    factory.user(Role.ADMIN, org=customer)
    with pytest.raises(ValidationError):
        edit(provider_admin, provider_admin, org_id=str(customer.id))


def test_the_refusal_shows_at_the_organization_field(client, db, login_as, provider_admin, customer):
    login_as(provider_admin)
    response = client.post(f"/admin/users/{provider_admin.id}/edit", data={
        "email": provider_admin.email, "display_name": "Ada Admin", "role": "admin",
        "org_id": str(customer.id), "active": "y"})
    assert response.status_code == 200
    assert "is the last admin of Provider" in response.get_data(as_text=True)
    db.session.refresh(provider_admin)
    assert provider_admin.org.is_provider
