"""In a real browser: Markdown comments stay inert, screenshots preview, oversized uploads get a message."""
import pytest
from playwright.sync_api import expect

from app.models import Role
from tests.factories import Factory
from tests.functional.test_attachments import EXE, PNG

pytestmark = pytest.mark.e2e


@pytest.fixture
def config_overrides(tmp_path):
    return {"ATTACHMENTS_DIR": str(tmp_path / "files"), "MAX_ATTACHMENT_BYTES": 64 * 1024,
            "MAX_CONTENT_LENGTH": 64 * 1024 + 4096}


@pytest.fixture
def incident_page(page, factory, sign_in):
    user = factory.user(Role.RESPONDER)
    incident = factory.incident(title="Checkout returns 502")
    sign_in(user.email, Factory.PASSWORD)
    page.goto(f"/incidents/{incident.number}")
    return page


def attach(page, name, data, mime="image/png"):
    page.get_by_label("Attach a file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.get_by_role("button", name="Attach", exact=True).click()


def test_a_screenshot_is_previewed_and_on_the_timeline(incident_page):
    page = incident_page
    attach(page, "screen.png", PNG)
    expect(page.get_by_role("alert")).to_contain_text("Attached screen.png.")
    preview = page.get_by_test_id("attachments").get_by_role("img", name="screen.png")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.naturalWidth") == 1
    expect(page.get_by_test_id("timeline")).to_contain_text("Attached screen.png")


def test_disguised_and_oversized_files_get_a_message(incident_page):
    page = incident_page
    attach(page, "screen.png", EXE)
    expect(page.get_by_role("alert")).to_contain_text("Only PNG, JPEG, GIF and WebP images")
    attach(page, "huge.log", b"x" * (512 * 1024), mime="text/plain")
    expect(page.get_by_role("alert")).to_contain_text("That upload is too large")
    expect(page.get_by_role("heading", name="Checkout returns 502")).to_be_visible()


def test_markdown_comment_renders_and_scripts_do_not_run(incident_page):
    page = incident_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_label("Add a comment").fill("**Root cause** found <script>alert(1)</script> "
                                            "[x](javascript:alert(2)) <img src=x onerror=alert(3)>")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Comment added.")
    body = page.get_by_test_id("comment-body")
    expect(body.locator("strong")).to_have_text("Root cause")
    expect(body).to_contain_text("<script>alert(1)</script>")
    assert body.locator("script, img, a[href^=javascript]").count() == 0
    assert dialogs == []
