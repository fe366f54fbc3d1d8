"""Paying at boot what the first Slack request would pay: imports, mappers, compiled SQL, templates, a connection.

Slack gives up after 3 s, and a fresh worker's first /incident or modal submission spent most
of that compiling SQL statements, configuring mappers, building slack_sdk models and rendering
email templates for the first time. warm_up() runs the same service calls once at boot inside a
transaction that is refused at commit and rolled back, so nothing is written and nothing leaves.
"""
import logging
import time

from slack_sdk import WebClient  # noqa: F401  (imported here, not by the first request)
from slack_sdk.webhook import WebhookClient  # noqa: F401
from sqlalchemy import event, select
from sqlalchemy.orm import configure_mappers

from app.blocks import incidents as incident_views, tickets as ticket_views
from app.extensions import db
from app.models import Organization, Role, Source, User
from app.services import accounts, incidents, ticket_options, tickets
from app.slack.verify import signature_problem

log = logging.getLogger("relay.slack")


class _NotForReal(Exception):
    """Raised at commit so the warm-up's records are rolled back."""


def _refuse(session):
    raise _NotForReal()


def _rehearse(run):
    """Run *run* as far as its commit, then roll everything back."""
    session = db.session()
    event.listen(session, "before_commit", _refuse)
    session.info["rehearsal"] = True  # next_number() peeks at a sequence rather than taking a number
    try:
        run()
    except _NotForReal:
        pass
    finally:
        session.info.pop("rehearsal", None)
        event.remove(session, "before_commit", _refuse)
        db.session.rollback()


def _someone():
    return db.session.scalar(select(User).join(Organization, User.org_id == Organization.id).where(
        User.active.is_(True), Organization.is_provider.is_(True), User.role != Role.REPORTER).limit(1))


def warm_up(app) -> float:
    """Rehearse the Slack paths once; returns the seconds spent. Never stops a start: failures are logged."""
    started = time.perf_counter()
    with app.test_request_context("/slack/commands", base_url=app.config.get("APP_BASE_URL") or None):
        try:
            configure_mappers()
            signature_problem(b"warm-up", str(int(time.time())), "v0=" + "0" * 64)
            incident_views.declare_modal(accounts.list_product_areas(), "").to_dict()
            ticket_views.new_ticket_modal(ticket_options.list_options("campaigns", active_only=True),
                                          ticket_options.list_options("issue-types", active_only=True)).to_dict()
            actor = _someone()
            if actor is not None:
                db.session.scalar(select(User).where(User.slack_user_id == actor.slack_user_id))
                _rehearse(lambda: incident_views.incident_summary(incidents.declare_incident(
                    actor, title="Warm-up", severity="sev3", source=Source.SLACK)))
                _rehearse(lambda: ticket_views.ticket_card(tickets.create_ticket(
                    actor, title="Warm-up", source=Source.SLACK)))
        except Exception:  # an empty database before `flask db upgrade`, a database not up yet ...
            log.warning("Slack warm-up skipped", exc_info=True)
        finally:
            db.session.rollback()
            db.session.remove()
    return time.perf_counter() - started
