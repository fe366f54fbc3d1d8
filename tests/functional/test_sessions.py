"""Sessions end for real: sign-out and a password change refuse replayed cookies."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from app.models import Role
from tests.factories import Factory
from tests.support import Browser

REMEMBER = "remember_token"


@pytest.fixture
def admin(factory):
    return factory.user(Role.ADMIN, org=factory.provider())


def signed_in(app, user, remember=False, password=Factory.PASSWORD):
    """A browser of its own, signed in as *user* through the real form."""
    browser = Browser(app, use_cookies=True)
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    assert browser.post("/auth/login", data=data).status_code == 302
    return browser


def replay(app, **cookies):
    """A new browser that carries only the copied cookies."""
    browser = Browser(app, use_cookies=True)
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def is_signed_in(browser):
    return browser.get("/admin/users").status_code == 200


def test_a_replayed_session_cookie_is_refused_after_sign_out(app, admin):
    browser = signed_in(app, admin)
    stolen = browser.get_cookie("session").value
    assert is_signed_in(replay(app, session=stolen))  # the copy works while the session lives
    assert browser.post("/auth/logout").status_code == 302
    assert not is_signed_in(replay(app, session=stolen))


def test_a_replayed_remember_me_cookie_is_refused_after_sign_out(app, admin):
    browser = signed_in(app, admin, remember=True)
    stolen = browser.get_cookie(REMEMBER).value
    assert is_signed_in(replay(app, **{REMEMBER: stolen}))
    browser.post("/auth/logout")
    assert not is_signed_in(replay(app, **{REMEMBER: stolen}))


def test_a_password_change_ends_every_other_session(app, admin):
    laptop = signed_in(app, admin, remember=True)
    phone = signed_in(app, admin, remember=True)
    phone_remember = phone.get_cookie(REMEMBER).value
    response = laptop.post("/profile/password", data={"current_password": Factory.PASSWORD,
                                                      "new_password": "a-new-secret", "confirm": "a-new-secret"})
    assert response.status_code == 302
    assert is_signed_in(laptop)  # the session that changed it carries on
    assert is_signed_in(replay(app, **{REMEMBER: laptop.get_cookie(REMEMBER).value}))  # and so does its remember-me
    assert not is_signed_in(phone)
    assert not is_signed_in(replay(app, **{REMEMBER: phone_remember}))
    assert is_signed_in(signed_in(app, admin, password="a-new-secret"))


def test_a_failed_password_change_ends_nothing(app, admin):
    laptop, phone = signed_in(app, admin), signed_in(app, admin)
    laptop.post("/profile/password", data={"current_password": "wrong-one", "new_password": "a-new-secret",
                                           "confirm": "a-new-secret"})
    assert is_signed_in(laptop) and is_signed_in(phone)


def test_an_admin_password_reset_signs_the_user_out_everywhere(app, factory, admin):
    responder = factory.user(Role.RESPONDER, org=admin.org)
    theirs = signed_in(app, responder)
    assert theirs.get("/profile").status_code == 200
    mine = signed_in(app, admin)
    response = mine.post(f"/admin/users/{responder.id}/edit", data={
        "email": responder.email, "display_name": responder.display_name, "role": "responder",
        "org_id": str(admin.org_id), "active": "y", "password": "reset-by-admin"})
    assert response.status_code == 302
    assert theirs.get("/profile").status_code == 302


def test_an_admin_changing_their_own_password_stays_signed_in(app, admin):
    mine, other = signed_in(app, admin), signed_in(app, admin)
    response = mine.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "display_name": admin.display_name, "role": "admin",
        "org_id": str(admin.org_id), "active": "y", "password": "reset-by-myself"})
    assert response.status_code == 302
    assert is_signed_in(mine) and not is_signed_in(other)


def test_the_remember_me_cookie_is_lax_http_only_and_lasts_two_weeks(app, admin):
    browser = Browser(app, use_cookies=True)
    response = browser.post("/auth/login", data={"email": admin.email, "password": Factory.PASSWORD,
                                                 "remember": "y"})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER + "="))
    assert "SameSite=Lax" in header and "HttpOnly" in header
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert timedelta(days=13) < expires - datetime.now(timezone.utc) <= timedelta(days=14)  # not a year


@pytest.mark.parametrize("session_id", ["1", "1:", ":0", "1:0:0", "01:0", "1:-1", "1: 0", " 1:0", "1:0\x00",
                                        "99999999999:0", "2147483648:0", "1:99999999999", "x:y", "", 1, None,
                                        ["1:0"], {"id": 1}])
def test_odd_session_ids_are_signed_out_not_errors(app, admin, session_id):
    browser = Browser(app, use_cookies=True)
    with browser.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    response = browser.get("/admin/users")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_session_id_of_a_deactivated_user_is_refused(app, db, admin):
    browser = signed_in(app, admin)
    admin.active = False
    db.session.commit()
    assert browser.get("/profile").status_code == 302
