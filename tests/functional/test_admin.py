"""Admin: users, organizations and product areas, with bad input."""
import pytest
from sqlalchemy import func, select

from app.models import Organization, ProductArea, Role, User
from tests.support import flashes


@pytest.fixture
def admin(factory, login_as):
    user = factory.user(Role.ADMIN, email="ada@example.com")
    login_as(user)
    return user


def users(db):
    return db.session.scalar(select(func.count()).select_from(User))


def new_user_data(org, **changes):
    return {"email": "new@example.com", "display_name": "New Person", "role": "responder",
            "org_id": str(org.id), "password": "long-enough", **changes}


def test_create_and_edit_a_user(client, db, admin):
    response = client.post("/admin/users/new", data=new_user_data(admin.org, email="New@Example.COM"))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.role == Role.RESPONDER and user.password_hash.startswith("scrypt:")
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "email": user.email, "display_name": "Renamed", "role": "manager", "org_id": str(admin.org_id),
        "active": "y", "password": ""})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.role) == ("Renamed", Role.MANAGER)
    assert user.check_password("long-enough")


@pytest.mark.parametrize("changes,message", [
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"email": ""}, "This field is required."),
    ({"email": "ada@example.com"}, "A user with this email already exists."),
    ({"email": "ADA@example.com"}, "A user with this email already exists."),
    ({"password": "short"}, "Field must be between 8 and 128 characters long."),
    ({"password": "x" * 129}, "Field must be between 8 and 128 characters long."),
    ({"role": "superuser"}, "Not a valid choice."),
    ({"org_id": "99999"}, "Not a valid choice."),
    ({"org_id": "<script>"}, "Not a valid choice."),
    ({"display_name": "x" * 101}, "Field cannot be longer than 100 characters."),
])
def test_bad_user_input(client, db, admin, changes, message):
    before = users(db)
    response = client.post("/admin/users/new", data=new_user_data(admin.org, **changes))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert users(db) == before


def test_admin_cannot_lock_themselves_out(client, db, admin):
    response = client.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "display_name": "Ada", "role": "reporter", "org_id": str(admin.org_id)})
    assert "You cannot demote or deactivate your own account." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert any("cannot demote or deactivate" in m for m in flashes(response))
    db.session.refresh(admin)
    assert admin.active and admin.role == Role.ADMIN


def test_deactivate_a_user(client, db, factory, admin):
    user = factory.user(Role.RESPONDER)
    response = client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=True)
    assert f"{user.email} can no longer sign in." in flashes(response)
    db.session.refresh(user)
    assert not user.active


def test_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_user_search_and_bad_paging(client, factory, admin):
    factory.user(name="Findable Person")
    assert "Findable Person" in client.get("/admin/users?q=findable").get_data(as_text=True)
    for query in ("?page=abc", "?page=-1", "?q=" + "%" * 500):
        assert client.get("/admin/users" + query).status_code == 200


@pytest.mark.parametrize("name,message", [("", "This field is required."),
                                          ("x" * 121, "Field cannot be longer than 120 characters."),
                                          ("Globex", "An organization with this name already exists."),
                                          ("GLOBEX", "An organization with this name already exists.")])
def test_bad_organizations(client, db, factory, admin, name, message):
    factory.org("Globex")
    before = db.session.scalar(select(func.count()).select_from(Organization))
    response = client.post("/admin/organizations", data={"name": name})
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organization)) == before


def test_create_organization_and_product_area(client, db, admin):
    assert client.post("/admin/organizations", data={"name": "Initech"}).status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "Initech"))
    assert org.slug == "initech" and not org.is_provider
    response = client.post("/admin/product-areas", data={"name": "Search", "description": "Query",
                                                         "owner_ids": [str(admin.id)]})
    assert response.status_code == 302
    area = db.session.scalar(select(ProductArea).where(ProductArea.name == "Search"))
    assert [o.id for o in area.owners] == [admin.id]


@pytest.mark.parametrize("data,message", [({"name": ""}, "This field is required."),
                                          ({"name": "Search", "owner_ids": ["424242"]}, "is not a valid choice"),
                                          ({"name": "x" * 81}, "Field cannot be longer than 80 characters.")])
def test_bad_product_areas(client, db, admin, data, message):
    response = client.post("/admin/product-areas", data=data)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ProductArea)) == 0
