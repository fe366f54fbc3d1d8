"""The profile page: display name, timezone (shown on every time), password."""
import pytest

from app.models import Role
from app.services import incidents
from tests.factories import Factory


@pytest.fixture
def user(factory, login_as):
    user = factory.user(Role.RESPONDER)
    login_as(user)
    return user


def test_profile_shows_the_form(client, user):
    page = client.get("/profile").get_data(as_text=True)
    assert "Europe/Berlin" in page and "Site default (UTC)" in page


def test_anonymous_is_sent_to_sign_in(client):
    for response in (client.get("/profile"), client.post("/profile", data={}),
                     client.post("/profile/password", data={})):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_timezone_changes_how_times_are_shown(client, db, user, factory):
    incident = incidents.declare_incident(user, title="Clock test", severity="sev3")
    response = client.post("/profile", data={"display_name": "Ada", "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.timezone) == ("Ada", "Asia/Tokyo")
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert "JST" in page
    client.post("/profile", data={"display_name": "Ada", "timezone": ""})
    db.session.refresh(user)
    assert user.timezone is None
    assert "JST" not in client.get(f"/incidents/{incident.number}").get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"display_name": "", "timezone": "UTC"}, "This field is required."),
    ({"display_name": "x" * 101, "timezone": "UTC"}, "Field cannot be longer than 100 characters."),
    ({"display_name": "Ada", "timezone": "Mars/Olympus_Mons"}, "Not a valid choice."),
    ({"display_name": "Ada", "timezone": "../../etc/passwd"}, "Not a valid choice."),
    ({"display_name": "Ada", "timezone": "x" * 5000}, "Not a valid choice."),
])
def test_bad_profile_input(client, db, user, data, message):
    response = client.post("/profile", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.timezone is None and user.display_name != "Ada"


def test_service_refuses_unknown_timezones(user):
    from app.services.core.errors import ValidationError
    from app.services.profile import update_profile

    with pytest.raises(ValidationError):
        update_profile(user, display_name="Ada", timezone="Not/AZone")


def test_change_password(client, login_as, user):
    response = client.post("/profile/password", data={"current_password": Factory.PASSWORD,
                                                      "new_password": "a-new-secret", "confirm": "a-new-secret"})
    assert response.status_code == 302
    login_as(user, password="a-new-secret")


@pytest.mark.parametrize("data,message", [
    ({"current_password": "wrong-one", "new_password": "a-new-secret", "confirm": "a-new-secret"},
     "That is not your current password."),
    ({"current_password": Factory.PASSWORD, "new_password": "short", "confirm": "short"},
     "Field must be between 8 and 128 characters long."),
    ({"current_password": Factory.PASSWORD, "new_password": "a-new-secret", "confirm": "different"},
     "The passwords do not match."),
    ({"current_password": "", "new_password": "", "confirm": ""}, "This field is required."),
])
def test_bad_password_change(client, login_as, user, data, message):
    response = client.post("/profile/password", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    login_as(user)  # the old password still works


@pytest.mark.parametrize("path", ["/profile", "/profile/password"])
@pytest.mark.parametrize("token", [None, "forged", "x" * 4096])
def test_forged_csrf_changes_nothing(client, db, user, path, token):
    response = client.post(path, data={"display_name": "Mallory", "timezone": "UTC", "csrf_token": token,
                                       "current_password": Factory.PASSWORD, "new_password": "hijacked!",
                                       "confirm": "hijacked!"})
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.display_name != "Mallory" and user.check_password(Factory.PASSWORD)
