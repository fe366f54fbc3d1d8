"""Outbound notifications: subscribers turn domain events into outbox rows; the worker delivers them."""
import logging

log = logging.getLogger("relay.mail")


def register(app):
    """Load the deliverers and say where mail goes when it has nowhere to go."""
    from app.notifications import email  # noqa: F401  (registers the email deliverer)

    if email.mail_to_log(app) and app.config.get("ENV_NAME") == "development":
        log.warning("MAIL_SERVER is not set: email is written to this log instead of being sent.")
