"""Control characters, far dates and bad return addresses are field errors or a 400, never a 500."""
from flask_wtf import FlaskForm
import pytest
from sqlalchemy import func, select

from app.forms import RelayForm
from app.models import Delivery, DeliveryState, Incident, Role
from app.services.core import validation
from app.services.core.errors import ValidationError
from tests.support import flashes

CONTROL = ["a\x00b", "\x07bell", "esc\x1b[31m", "del\x7f", "\ud800"]


@pytest.mark.parametrize("value", CONTROL)
def test_text_with_control_characters_is_a_field_error(value):
    with pytest.raises(ValidationError) as raised:
        validation.text(value, "title", max_length=200)
    assert raised.value.errors == {"title": "Title must not contain control characters."}


def test_tabs_and_line_breaks_are_text():
    assert validation.text("one\ttwo\r\nthree", "details", max_length=50) == "one\ttwo\r\nthree"


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_days_out_of_range_are_a_field_error(value):
    with pytest.raises(ValidationError) as raised:
        validation.day(value, "created_to")
    assert "between 1900-01-01 and 2999-12-31" in raised.value.errors["created_to"]


def test_every_form_is_a_relay_form(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("app.")]
    assert len(ours) > 10
    assert [form.__qualname__ for form in ours if not issubclass(form, RelayForm)] == []


def test_a_nul_in_the_title_is_a_field_error_and_nothing_is_written(client, login_as, factory, db):
    login_as(factory.user(Role.RESPONDER))
    response = client.post("/incidents/new", data={"title": "Disk\x00full", "severity": "sev2"})
    assert response.status_code == 200
    assert "Title must not contain control characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_nul_in_the_login_email_is_a_field_error(client, factory):
    factory.user(Role.RESPONDER, email="ann@example.com")
    response = client.post("/auth/login", data={"email": "ann@example.com\x00", "password": "x"})
    assert response.status_code == 200
    assert "Email must not contain control characters." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/incidents/", "/tickets/", "/tickets/mine"])
def test_a_nul_in_the_search_is_a_field_error(client, login_as, factory, path):
    login_as(factory.user(Role.ADMIN))
    response = client.get(path, query_string="q=a%00b")
    assert response.status_code == 200
    assert "Search must not contain control characters." in response.get_data(as_text=True)


def test_a_nul_in_the_user_search_is_a_message(client, login_as, factory):
    login_as(factory.user(Role.ADMIN))
    response = client.get("/admin/users", query_string="q=a%00b", follow_redirects=True)
    assert response.status_code == 200
    assert "Search must not contain control characters." in flashes(response)


def test_a_far_date_is_a_field_error_on_the_list(client, login_as, factory):
    login_as(factory.user(Role.ADMIN))
    response = client.get("/tickets/", query_string="created_to=9999-12-31")
    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.get_data(as_text=True)


def test_the_export_checks_a_far_date_before_it_streams(client, login_as, factory):
    login_as(factory.user(Role.ADMIN))
    factory.ticket()
    response = client.get("/tickets/export.csv", query_string="created_to=9999-12-31&q=a%00b")
    assert response.status_code == 200 and response.mimetype == "text/csv"  # the bad filters are ignored
    assert response.get_data(as_text=True).count("\n") == 2


@pytest.mark.parametrize("target", ["/admin/deliveries\r\nX-Evil: 1", "https://evil.example/", "//evil.example",
                                    "/admin/deliveries\x00", "/incidents/"])
def test_retry_with_a_bad_next_is_a_400_and_retries_nothing(client, login_as, factory, db, target):
    delivery = Delivery(channel="email", kind="k", recipient="a@example.com", payload={"subject": "s", "text": "t"},
                        dedup_key="failed", state=DeliveryState.FAILED, attempts=8)
    db.session.add(delivery)
    db.session.commit()
    login_as(factory.user(Role.ADMIN))
    response = client.post(f"/admin/deliveries/{delivery.id}/retry", data={"next": target})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).state is DeliveryState.FAILED


def test_retry_goes_back_to_the_filtered_list(client, login_as, factory, db):
    delivery = Delivery(channel="email", kind="k", recipient="a@example.com", payload={"subject": "s", "text": "t"},
                        dedup_key="failed", state=DeliveryState.FAILED, attempts=8)
    db.session.add(delivery)
    db.session.commit()
    login_as(factory.user(Role.ADMIN))
    response = client.post(f"/admin/deliveries/{delivery.id}/retry", data={"next": "/admin/deliveries?state=failed"})
    assert response.status_code == 302 and response.location.endswith("/admin/deliveries?state=failed")
