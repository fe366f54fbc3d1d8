"""Pages work under the Content-Security-Policy: charts are drawn and delete still asks first."""
import pytest
from playwright.sync_api import expect

from app.models import IncidentStatus, Role, Severity
from app.services.seed import seed_demo

pytestmark = pytest.mark.e2e

PAGES = ["/", "/incidents/", "/incidents/1", "/incidents/new", "/tickets/", "/tickets/1", "/tickets/new",
         "/tickets/mine", "/analytics/", "/admin/users", "/admin/organizations", "/admin/deliveries",
         "/account/notifications", "/profile"]


@pytest.fixture
def demo(app, factory):
    seed_demo(log=lambda *_: None)
    for severity in (Severity.SEV1, Severity.SEV2, Severity.SEV2):
        factory.incident(severity=severity, status=IncidentStatus.RESOLVED)


def test_every_page_loads_without_a_csp_violation(page, demo, sign_in):
    violations = []
    page.on("console", lambda message: violations.append((page.url, message.text))
            if "Content Security Policy" in message.text else None)
    sign_in("admin@example.com", "admin123")
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert not violations


def test_dashboard_bars_are_drawn_by_the_static_script(page, demo, sign_in):
    """The dashboard's bars get their width from relay.js (the CSP allows no style attribute).

    The analytics charts are server-made SVG and need no script: tests/e2e/test_analytics.py."""
    sign_in("admin@example.com", "admin123")
    page.goto("/")
    widths = page.locator(".bar[data-width]").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths and all(width.endswith("%") for width in widths)


def test_delete_still_asks_first(page, demo, factory, sign_in):
    sign_in("admin@example.com", "admin123")
    page.goto("/incidents/1")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Delete incident").click()
    expect(page.get_by_role("button", name="Delete incident")).to_be_visible()
    assert questions == ["Delete INC-1? Its audit trail is kept."]

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Delete incident").click()
    expect(page.get_by_role("alert").first).to_contain_text("INC-1")
    assert len(questions) == 2
