"""Outbound notifications: subscribers turn domain events into outbox rows; the worker delivers them."""
import logging
import os

import click
from flask.helpers import get_debug_flag

log = logging.getLogger("relay.mail")


def register(app):
    """Register every channel's subscribers and deliverer; in development, `flask run` gets a worker thread too."""
    from app.notifications import email, pagerduty, slack, webhooks
    from app.notifications.email import transport

    email.register()
    webhooks.register()
    slack.register()
    pagerduty.register()
    if app.config.get("ENV_NAME") != "development":
        return
    if transport.mail_to_log(app) and _command() in ("run", "worker"):
        log.warning("MAIL_SERVER is not set: email is written to this log instead of being sent.")
    if app.config["RELAY_INPROCESS_WORKER"] and _serving_with_flask_run(app):
        from app.outbox.worker import Worker

        Worker(app).start_in_background()
        log.info("Outbox worker running inside `flask run` (RELAY_INPROCESS_WORKER=0 to turn it off).")


def _command():
    context = click.get_current_context(silent=True)
    return context.info_name if context is not None else None


def _serving_with_flask_run(app) -> bool:
    """True in the process that will serve requests for `flask run` (the reloader's child, if any)."""
    if _command() != "run":
        return False
    context = click.get_current_context()
    reload = context.params.get("reload")
    uses_reloader = get_debug_flag() if reload is None else reload  # how `flask run` decides
    return not uses_reloader or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
