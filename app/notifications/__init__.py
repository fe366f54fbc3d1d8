"""Outbound notifications: subscribers turn domain events into outbox rows; the worker delivers them."""
import logging
import os

import click

log = logging.getLogger("relay.mail")


def register(app):
    """Load the deliverers and subscribers; in development, `flask run` gets a worker thread too."""
    from app.notifications import email, incident_emails  # noqa: F401  (deliverer and subscribers)

    if app.config.get("ENV_NAME") != "development":
        return
    if email.mail_to_log(app):
        log.warning("MAIL_SERVER is not set: email is written to this log instead of being sent.")
    if app.config["RELAY_INPROCESS_WORKER"] and _serving_with_flask_run(app):
        from app.notifications.runner import Worker

        Worker(app).start_in_background()
        log.info("Outbox worker running inside `flask run` (RELAY_INPROCESS_WORKER=0 to turn it off).")


def _serving_with_flask_run(app) -> bool:
    """True in the process that will serve requests for `flask run` (the reloader's child, if any)."""
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return False
    reload = context.params.get("reload")
    uses_reloader = app.debug if reload is None else reload
    return not uses_reloader or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
