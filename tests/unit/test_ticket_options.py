"""Campaigns and issue types: admin-managed, unique by name, retired rather than deleted."""
import pytest

from app.models import Role
from app.services import ticket_options
from app.services.core.errors import Forbidden, NotFound, ValidationError


@pytest.mark.parametrize("kind", ["campaigns", "issue-types"])
def test_admins_add_reorder_and_retire(factory, kind):
    admin = factory.user(Role.ADMIN)
    first = ticket_options.create_option(admin, kind, name=" Billing ")
    second = ticket_options.create_option(admin, kind, name="Access", position="0")
    assert (first.name, first.position, second.position) == ("Billing", 1, 0)
    assert [o.name for o in ticket_options.list_options(kind)] == ["Access", "Billing"]
    ticket_options.update_option(admin, kind, second.id, name="Access and login", position="5", active=False)
    assert [o.name for o in ticket_options.list_options(kind, active_only=True)] == ["Billing"]
    assert [o.name for o in ticket_options.list_options(kind)] == ["Billing", "Access and login"]


@pytest.mark.parametrize("fields,field", [
    ({"name": ""}, "name"), ({"name": "x" * 81}, "name"), ({"name": "billing"}, "name"),
    ({"name": "New", "position": "first"}, "position"), ({"name": "New", "position": "-1"}, "position"),
])
def test_bad_input(factory, fields, field):
    admin = factory.user(Role.ADMIN)
    ticket_options.create_option(admin, "campaigns", name="Billing")
    with pytest.raises(ValidationError) as error:
        ticket_options.create_option(admin, "campaigns", **fields)
    assert field in error.value.errors


def test_only_provider_admins_manage_lists(factory):
    for user in (factory.user(Role.MANAGER), factory.user(Role.ADMIN, org=factory.org())):
        with pytest.raises(Forbidden):
            ticket_options.create_option(user, "campaigns", name="Mine")


def test_unknown_list_or_entry_is_not_found(factory):
    admin = factory.user(Role.ADMIN)
    with pytest.raises(NotFound):
        ticket_options.create_option(admin, "colours", name="Red")
    with pytest.raises(NotFound):
        ticket_options.update_option(admin, "campaigns", 12345, name="x", position=None, active=True)
