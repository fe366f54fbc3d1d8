"""Attachments: checked by content, size and name; stored outside static/; served with permission checks."""
import io
import struct
import zlib

import pytest
from sqlalchemy import func, select

from app.models import Attachment, AuditEvent, Role
from app.services import audit
from tests.support import flashes


def png_bytes():
    """A real 1x1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


PNG = png_bytes()
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
LOG = "2026-11-26 12:00:01 ERROR payment gateway timeout (ünïcode ok)\n".encode() * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def config_overrides(tmp_path):
    return {"ATTACHMENTS_DIR": str(tmp_path / "files"), "MAX_ATTACHMENT_BYTES": 64 * 1024,
            "MAX_CONTENT_LENGTH": 64 * 1024 + 4096}


@pytest.fixture
def responder(factory, login_as):
    user = factory.user(Role.RESPONDER)
    login_as(user)
    return user


@pytest.fixture
def incident(factory):
    return factory.incident()


def upload(client, incident, data, name, **extra):
    page = f"http://localhost/incidents/{incident.number}"
    return client.post(f"/attachments/incidents/{incident.number}", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data", headers={"Referer": page}, follow_redirects=True)


def count(db, model=Attachment):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("data,name,content_type", [
    (PNG, "screenshot.png", "image/png"),
    (PDF, "postmortem.pdf", "application/pdf"),
    (LOG, "gateway.log", "text/plain"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "photo.JPG", "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif", "image/gif"),
])
def test_allowed_files_are_stored_and_on_the_timeline(app, client, db, responder, incident, data, name, content_type):
    response = upload(client, incident, data, name)
    assert f"Attached {name}." in flashes(response)
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.content_type, attachment.size, attachment.filename) == (content_type, len(data), name)
    assert name not in attachment.storage_key and len(attachment.storage_key) == 32
    events = audit.timeline("incident", incident.id)
    assert events[-1].action == "attachment_added" and name in events[-1].new_value
    assert "Attached" in response.get_data(as_text=True)
    stored = app.config["ATTACHMENTS_DIR"] + f"/{attachment.storage_key[:2]}/{attachment.storage_key}"
    assert open(stored, "rb").read() == data


def test_image_previews_are_inline_other_files_download(client, db, responder, incident):
    upload(client, incident, PNG, "screen.png")
    upload(client, incident, LOG, "app.log")
    image, log = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert f'<img src="/attachments/{image.id}"' in page and f'href="/attachments/{log.id}"' in page
    shown = client.get(f"/attachments/{image.id}")
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in shown.headers.get("Content-Disposition", "")
    downloaded = client.get(f"/attachments/{log.id}")
    assert downloaded.data == LOG and downloaded.mimetype == "text/plain"
    assert downloaded.headers["Content-Disposition"].startswith("attachment;")
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in downloaded.headers["Content-Security-Policy"]


@pytest.mark.parametrize("data,name,message", [
    (EXE, "screenshot.png", "Only PNG, JPEG"),
    (HTML, "screenshot.png", "Only PNG, JPEG"),
    (HTML, "notes.txt", "Only PNG, JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "icon.png", "Only PNG, JPEG"),
    (PNG, "screenshot.html", "content is PNG, but its name ends in .html"),
    (PDF, "report.png", "content is PDF, but its name ends in .png"),
    (LOG, "trace.png", "plain text, but its name ends in .png"),
    (b"PK\x03\x04" + b"\x00" * 100, "logs.zip", "Only PNG, JPEG"),
    (b"binary\x00with\x00nuls", "dump.log", "Only PNG, JPEG"),
    (b"\xff\xfe\xfa not utf-8", "latin.log", "Only PNG, JPEG"),
    (b"", "empty.log", "The file is empty."),
    (b"x" * (64 * 1024 + 1), "big.log", "The file is larger than"),
])
def test_refused_files_leave_nothing_behind(app, client, db, responder, incident, data, name, message):
    response = upload(client, incident, data, name)
    assert response.status_code == 200
    assert any(message in m for m in flashes(response)), flashes(response)
    assert count(db) == 0 and count(db, AuditEvent) == 0
    import os
    root = app.config["ATTACHMENTS_DIR"]
    assert not os.path.exists(root) or not any(files for _, _, files in os.walk(root))


def test_a_request_over_the_limit_is_a_flash_not_an_error_page(client, db, responder, incident):
    response = upload(client, incident, b"x" * (200 * 1024), "huge.log")
    assert response.status_code == 200
    assert "That upload is too large: files can be at most 1 MB." in flashes(response)
    assert incident.title in response.get_data(as_text=True)
    assert count(db) == 0


def test_missing_file_is_a_clear_message(client, db, responder, incident):
    response = client.post(f"/attachments/incidents/{incident.number}", data={}, follow_redirects=True)
    assert "Choose a file to attach." in flashes(response)
    assert count(db) == 0


@pytest.mark.parametrize("name,stored", [
    ("../../../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "windowswin.ini"),  # the multipart parser drops backslashes
    ("/var/www/static/evil.log", "evil.log"),
    ("....//....//x.log", "x.log"),
    ("shot\x00.png.log", "shot.png.log"),
    ("<img src=x onerror=alert(1)>.log", "img srcx onerroralert(1).log"),
])
def test_path_traversal_names_are_flattened(app, client, db, responder, incident, name, stored):
    upload(client, incident, LOG, name)
    attachment = db.session.scalar(select(Attachment))
    assert attachment.filename == stored
    import os
    for root, _, files in os.walk(app.config["ATTACHMENTS_DIR"]):
        assert root.startswith(app.config["ATTACHMENTS_DIR"]) and files in ([], [attachment.storage_key])
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert "<img src=x onerror" not in page


def test_another_orgs_attachment_is_not_found(client, db, factory, login_as, responder, incident):
    upload(client, incident, PNG, "secret.png")
    attachment = db.session.scalar(select(Attachment))
    for role in (Role.REPORTER, Role.RESPONDER, Role.MANAGER, Role.ADMIN):
        login_as(factory.user(role, org=factory.org()))
        assert client.get(f"/attachments/{attachment.id}").status_code == 404
        assert upload(client, incident, PNG, "x.png").status_code == 404
    assert count(db) == 1


def test_a_reporter_only_sees_attachments_of_what_they_raised(client, db, factory, login_as, responder, incident):
    upload(client, incident, LOG, "server.log")
    attachment = db.session.scalar(select(Attachment))
    login_as(factory.user(Role.REPORTER, org=incident.org))
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    login_as(incident.reporter)
    assert client.get(f"/attachments/{attachment.id}").status_code == 200
    assert "Attached more.log." in flashes(upload(client, incident, LOG, "more.log"))


def test_anonymous_download_goes_to_sign_in(client, db, responder, incident):
    upload(client, incident, PNG, "screen.png")
    attachment = db.session.scalar(select(Attachment))
    client.post("/auth/logout")
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/attachments/999999", "/attachments/0", "/attachments/-1", "/attachments/abc",
                                  "/attachments/99999999999", "/attachments/tickets/1", "/attachments/incidents/999"])
def test_unknown_attachments_are_not_found(client, responder, path):
    response = client.get(path) if path.count("/") == 2 else client.post(path, data={})
    assert response.status_code == 404


def test_a_file_missing_from_storage_is_not_found(app, client, db, responder, incident):
    upload(client, incident, LOG, "gone.log")
    attachment = db.session.scalar(select(Attachment))
    from app.storage import storage
    storage().delete(attachment.storage_key)
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


@pytest.mark.parametrize("token", [None, "forged", "x" * 4096])
def test_forged_csrf_uploads_nothing(client, db, responder, incident, token):
    response = upload(client, incident, PNG, "screen.png", csrf_token=token)
    assert response.status_code == 400 and "Reload the page" in response.get_data(as_text=True)
    assert count(db) == 0


def test_deleting_an_incident_removes_its_files(app, client, db, factory, login_as, responder, incident):
    upload(client, incident, LOG, "server.log")
    key = db.session.scalar(select(Attachment.storage_key))
    login_as(factory.user(Role.ADMIN))
    client.post(f"/incidents/{incident.number}/delete")
    import os
    assert count(db) == 0
    assert not os.path.exists(app.config["ATTACHMENTS_DIR"] + f"/{key[:2]}/{key}")


def _file(data, name):
    from werkzeug.datastructures import FileStorage
    return FileStorage(io.BytesIO(data), filename=name)


def test_tickets_take_attachments_too(client, db, factory, login_as):
    from app.services import attachments, tickets

    customer = factory.user(Role.REPORTER, org=factory.org())
    ticket = tickets.create_ticket(customer, title="Cannot log in", details="See screenshot")
    attachment = attachments.add_attachment(customer, ticket, _file(PNG, "login.png"))
    assert (attachment.ticket_id, attachment.incident_id, attachment.org_id) == (ticket.id, None, customer.org_id)
    assert attachments.attachments_of(ticket) == [attachment]
    assert audit.timeline("ticket", ticket.id)[-1].action == "attachment_added"
    login_as(customer)
    assert client.get(f"/attachments/{attachment.id}").data == PNG
    login_as(factory.user(Role.MANAGER, org=factory.org()))
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_service_refuses_someone_who_cannot_see_the_record(db, factory, incident):
    from app.services import attachments
    from app.services.core.errors import NotFound

    with pytest.raises(NotFound):
        attachments.add_attachment(factory.user(Role.MANAGER, org=factory.org()), incident, _file(LOG, "a.log"))
    assert count(db) == 0


def test_a_promoted_incident_shows_the_tickets_attachments(client, db, factory, login_as):
    from app.services import attachments, promotion, tickets

    customer = factory.user(Role.REPORTER, org=factory.org())
    ticket = tickets.create_ticket(customer, title="Checkout broken", details="")
    screenshot = attachments.add_attachment(customer, ticket, _file(PNG, "error.png"))
    responder = factory.user(Role.RESPONDER)
    incident = promotion.promote_ticket(responder, ticket.number)
    assert attachments.attachments_of(incident) == [screenshot]
    login_as(responder)
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert f'<img src="/attachments/{screenshot.id}"' in page
    assert client.get(f"/attachments/{screenshot.id}").status_code == 200


def test_deleting_a_promoted_incident_keeps_the_tickets_files(client, db, factory, login_as):
    from app.services import attachments, incidents, promotion, tickets

    customer = factory.user(Role.REPORTER, org=factory.org())
    ticket = tickets.create_ticket(customer, title="Checkout broken", details="")
    screenshot = attachments.add_attachment(customer, ticket, _file(PNG, "error.png"))
    incident = promotion.promote_ticket(factory.user(Role.RESPONDER), ticket.number)
    incidents.delete_incident(factory.user(Role.ADMIN), incident.number)
    login_as(customer)
    assert client.get(f"/attachments/{screenshot.id}").data == PNG
