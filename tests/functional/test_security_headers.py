"""Security headers on every page; nothing in the templates that the Content-Security-Policy would block."""
import io
import re
from pathlib import Path

import pytest

from app.models import Role
from tests.functional.test_attachments import PDF, PNG

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
PAGES = ["/", "/incidents/", "/incidents/new", "/incidents/1", "/tickets/", "/tickets/mine", "/tickets/new",
         "/admin/users", "/admin/deliveries", "/analytics/", "/account/notifications", "/profile",
         "/no-such-page", "/incidents/999999"]


@pytest.fixture
def admin(factory, login_as):
    user = factory.user(Role.ADMIN, org=factory.provider())
    factory.incident()
    login_as(user)
    return user


def assert_secured(response):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_headers(client, admin, path):
    response = client.get(path)
    assert response.status_code in (200, 404), path
    assert response.mimetype == "text/html"
    assert_secured(response)


def test_signed_out_pages_carry_them_too(client):
    assert_secured(client.get("/auth/login"))
    assert_secured(client.get("/incidents/"))  # the redirect to sign in


def test_no_hsts_while_the_session_cookie_may_travel_over_http(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


@pytest.mark.parametrize("config_overrides", [{"SESSION_COOKIE_SECURE": True}])
def test_hsts_once_the_session_cookie_is_secure(client):
    assert client.get("/auth/login").headers["Strict-Transport-Security"].startswith("max-age=")


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.I)


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")
                                             if p.relative_to(TEMPLATES).parts[0] != "email"))
def test_no_template_needs_inline_script_or_style(template):
    """Emails are not served under the policy; every web template is."""
    found = INLINE.findall((TEMPLATES / template).read_text())
    assert not found, f"{template}: {found} (the CSP blocks these; use app/static/relay.js or relay.css)"


@pytest.mark.parametrize("data,name", [(PNG, "shot.png"), (PDF, "report.pdf")])
def test_attachments_are_private_to_the_browser(client, factory, login_as, tmp_path, app, data, name):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path)
    login_as(factory.user(Role.RESPONDER, org=factory.provider()))
    incident = factory.incident()
    client.post(f"/attachments/incidents/{incident.number}", data={"file": (io.BytesIO(data), name)},
                content_type="multipart/form-data")
    response = client.get("/attachments/1")
    assert response.status_code == 200
    directives = [d.strip() for d in response.headers["Cache-Control"].split(",")]
    assert "private" in directives and "public" not in directives
    assert response.headers["X-Content-Type-Options"] == "nosniff"
