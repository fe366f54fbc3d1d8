"""Take the README screenshots: python docs/screenshot.py (needs Chromium)."""
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.services import incidents, tickets  # noqa: E402
from app.services.seed import seed_demo  # noqa: E402
from config import DevelopmentConfig  # noqa: E402


def demo_story():
    """A few incidents in different states, one with a full timeline."""
    users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
    support, manager, user = users["support"], users["manager"], users["user"]
    story = incidents.declare_incident(user, title="Checkout returns 502 for card payments", severity="sev1",
                                       description="Since 10:02 every card payment fails with a 502 from the gateway.",
                                       product_area_id=1, commander_id=manager.id)
    incidents.transition_incident(support, story.number, "investigating")
    incidents.assign_incident(support, story.number, support.id)
    incidents.comment_on_incident(support, story.number, "Gateway deploy 4.2.1 went out at 10:00; rolling back.")
    incidents.transition_incident(support, story.number, "mitigated")
    incidents.comment_on_incident(manager, story.number, "Error rate back to baseline. Keep watching for 30 min.")
    for title, severity in [("Search results slow in EU", "sev3"), ("Password reset emails delayed", "sev2"),
                            ("Typo on the pricing page", "sev4")]:
        incidents.declare_incident(user, title=title, severity=severity, product_area_id=2)
    return story


def ticket_story():
    """A ticket taken, discussed and resolved."""
    users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
    support, user = users["support"], users["user"]
    ticket = tickets.create_ticket(user, title="Refund for order 1042 never arrived", priority="high",
                                   details="Refund approved on Monday; the customer still sees nothing.")
    tickets.assign_to_me(support, ticket.number)
    tickets.comment_on_ticket(support, ticket.number, "Payment provider shows the refund **queued**; "
                                                      "chasing them now.")
    return ticket.number


def main():
    scratch = tempfile.mkdtemp(prefix="relay-shots-")
    config = type("ShotConfig", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/shots.db",
                                                       "DEBUG": False})
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(log=lambda *_: None)
        story = demo_story().number
        ticket = ticket_story()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, base_url=base)
        page.goto("/auth/login")
        page.get_by_label("Email").fill("manager@example.com")
        page.get_by_label("Password", exact=True).fill("manager123")
        page.get_by_role("button", name="Sign in").click()
        for name, path in [("screenshot", f"/incidents/{story}"), ("screenshot-dashboard", "/"),
                           ("screenshot-list", "/incidents/"), ("screenshot-ticket", f"/tickets/{ticket}"),
                           ("screenshot-tickets", "/tickets/"), ("screenshot-ticket-summary", "/tickets/summary")]:
            page.goto(path)
            page.screenshot(path=str(ROOT / "docs" / f"{name}.png"), full_page=name != "screenshot")
            print(f"wrote docs/{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
