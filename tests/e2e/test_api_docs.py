"""The API docs page: Swagger UI from our own host draws the document under the strict CSP."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_docs_page_shows_every_resource_without_a_csp_violation(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/api/v1/docs")
    assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Relay API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/incidents/{number}/transitions")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/tickets/{number}/promotion")).to_be_visible()
    base = page.url.split("/api/")[0]
    assert all(url.startswith(base) or url.startswith("data:") for url in requests), requests


def test_the_docs_page_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
