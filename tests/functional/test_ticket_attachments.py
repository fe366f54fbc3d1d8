"""Tickets: a screenshot on the create form, uploads later, Markdown comments, all on the timeline."""
import io

import pytest
from sqlalchemy import func, select

from app.models import Attachment, AuditEvent, Role, Ticket
from app.services import audit
from tests.functional.test_attachments import EXE, LOG, PNG
from tests.support import field_errors, flashes


@pytest.fixture
def config_overrides(tmp_path):
    return {"ATTACHMENTS_DIR": str(tmp_path / "files"), "MAX_ATTACHMENT_BYTES": 64 * 1024,
            "MAX_CONTENT_LENGTH": 64 * 1024 + 4096}


@pytest.fixture
def customer(factory, login_as):
    user = factory.user(Role.REPORTER, org=factory.org("Acme"))
    login_as(user)
    return user


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def raise_ticket(client, **extra):
    return client.post("/tickets/new", data={"title": "Cannot log in", "priority": "high", **extra},
                       content_type="multipart/form-data", follow_redirects=True)


def test_a_screenshot_on_the_create_form(client, db, customer):
    response = raise_ticket(client, file=(io.BytesIO(PNG), "login-error.png"))
    assert any("raised" in m for m in flashes(response))
    ticket = db.session.scalar(select(Ticket))
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.ticket_id, attachment.filename, attachment.content_type) == (ticket.id, "login-error.png",
                                                                                     "image/png")
    page = response.get_data(as_text=True)
    assert f'<img src="/attachments/{attachment.id}"' in page and "Attached <strong>login-error.png" in page
    assert [e.action for e in audit.timeline("ticket", ticket.id)] == ["created", "attachment_added"]


def test_the_create_form_shows_the_file_field(client, customer):
    page = client.get("/tickets/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page


def test_no_screenshot_is_fine(client, db, customer):
    raise_ticket(client)
    assert count(db, Ticket) == 1 and count(db, Attachment) == 0


@pytest.mark.parametrize("data,name,message", [
    (EXE, "screenshot.png", "Only PNG, JPEG"),
    (b"", "empty.png", "The file is empty."),
    (PNG, "shot.exe", "content is PNG, but its name ends in .exe"),
    (b"x" * (64 * 1024 + 1), "big.log", "larger than"),
])
def test_a_bad_screenshot_is_an_inline_error_and_no_ticket(client, db, customer, data, name, message):
    response = raise_ticket(client, file=(io.BytesIO(data), name))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "is-invalid" in page
    assert count(db, Ticket) == 0 and count(db, Attachment) == 0 and count(db, AuditEvent) == 0


def test_oversized_create_request_is_a_flash(client, db, customer):
    response = client.post("/tickets/new", data={"title": "x", "priority": "high",
                                                  "file": (io.BytesIO(b"x" * 200_000), "big.log")},
                           content_type="multipart/form-data", headers={"Referer": "http://localhost/tickets/new"},
                           follow_redirects=True)
    assert "That upload is too large: files can be at most 1 MB." in flashes(response)
    assert count(db, Ticket) == 0


def test_upload_later_and_markdown_comments(client, db, factory, customer):
    ticket = factory.ticket(reporter=customer)
    response = client.post(f"/attachments/tickets/{ticket.number}", data={"file": (io.BytesIO(LOG), "console.log")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Attached console.log." in flashes(response)
    client.post(f"/tickets/{ticket.number}/comments", data={"body": "**Still** broken <script>x()</script>"})
    page = client.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "<strong>Still</strong>" in page and "<script>x()</script>" not in page
    assert "console.log" in page


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN])
def test_another_orgs_ticket_is_not_found(client, db, factory, login_as, role):
    ticket = factory.ticket(reporter=factory.user(Role.REPORTER, org=factory.org()))
    login_as(factory.user(role, org=factory.org()))
    response = client.post(f"/attachments/tickets/{ticket.number}", data={"file": (io.BytesIO(LOG), "a.log")},
                           content_type="multipart/form-data")
    assert response.status_code == 404 and count(db, Attachment) == 0


@pytest.mark.parametrize("token", [None, "forged"])
def test_forged_csrf_on_ticket_upload(client, db, factory, customer, token):
    ticket = factory.ticket(reporter=customer)
    response = client.post(f"/attachments/tickets/{ticket.number}",
                           data={"file": (io.BytesIO(LOG), "a.log"), "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and count(db, Attachment) == 0


def test_anonymous_ticket_upload_goes_to_sign_in(client, factory):
    ticket = factory.ticket()
    response = client.post(f"/attachments/tickets/{ticket.number}", data={"file": (io.BytesIO(LOG), "a.log")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("other", [{"title": ""}, {"title": "x" * 201}, {"external_url": "ftp://example.com"},
                                   {"campaign_id": "999999"}])
def test_a_good_screenshot_with_a_bad_field_says_to_choose_it_again(client, db, customer, other):
    response = raise_ticket(client, file=(io.BytesIO(PNG), "login-error.png"), **other)
    errors = field_errors(response)
    assert "login-error.png was not attached: a browser cannot keep a chosen file when the form comes back, " \
           "so choose it again." in errors, errors
    assert count(db, Ticket) == 0 and count(db, Attachment) == 0


def test_a_bad_screenshot_with_a_bad_field_says_both(client, db, customer):
    response = raise_ticket(client, title="", file=(io.BytesIO(EXE), "setup.png"))
    errors = field_errors(response)
    assert "This field is required." in errors and not any("choose it again" in e for e in errors)
    assert any(e.startswith("Only PNG, JPEG") for e in errors), errors
    assert count(db, Ticket) == 0 and count(db, Attachment) == 0


def test_a_screenshot_that_cannot_be_stored_leaves_no_ticket(client, db, customer, app, tmp_path):
    """The ticket and its screenshot are one transaction: storage failing leaves nothing behind."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the attachments directory should be")
    app.config["ATTACHMENTS_DIR"] = str(blocked)
    app.extensions.pop("relay_storage", None)
    response = raise_ticket(client, file=(io.BytesIO(PNG), "login-error.png"))
    assert response.status_code == 500  # the server's own fault, said plainly
    db.session.rollback()
    assert (count(db, Ticket), count(db, Attachment), count(db, AuditEvent)) == (0, 0, 0)
    assert blocked.read_text().startswith("a file")
