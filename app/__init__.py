"""Relay: incident and ticket management."""
import logging
import os

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.extensions import bootstrap, csrf, db, limiter, login_manager, mail, migrate
from config import PUBLIC_SECRET_KEYS, config_for


def create_app(config=None):
    """Create and configure the Relay application."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(config if config is not None and not isinstance(config, str)
                           else config_for(config))
    check_config(app)
    app.url_map.converters["int"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    register_jobs(app)
    register_sla(app)
    register_notifications(app)
    register_outbox_wakeup(app)
    register_domain_rules(app)
    register_analytics(app)
    register_proxies(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs is a database id: 1 to 2**31-1, anything else is a 404."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def check_config(app):
    """Refuse to start outside development without a secret key of our own."""
    if app.config.get("ENV_NAME") == "development":
        check_encryption_keys(app)
        return
    key = app.config.get("SECRET_KEY")
    if not key:
        raise SystemExit("SECRET_KEY is not set: refusing to start in production without one.")
    if key in PUBLIC_SECRET_KEYS and not app.config.get("TESTING"):
        raise SystemExit("SECRET_KEY is a published example key: refusing to start in production with it.")
    check_encryption_keys(app)


def check_encryption_keys(app):
    """A malformed RELAY_ENCRYPTION_KEYS stops Relay at start rather than at the first saved secret."""
    from app.services.core.encryption import parse_keys

    try:
        parse_keys(app.config.get("RELAY_ENCRYPTION_KEYS"))
    except ValueError as error:
        raise SystemExit(str(error))


def register_extensions(app):
    from app import models  # noqa: F401  (registers the tables)
    from app import storage
    from app.extensions import enable_sqlite_foreign_keys
    from app.models.sql import include_name

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A SQLite file has no server that could have dropped the connection: a ping before each
        # checkout would be one more statement on every request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                                                   "pool_pre_ping": False}
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, include_name=include_name)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    mail.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    storage.init_app(app)
    with app.app_context():
        enable_sqlite_foreign_keys(db.engine)


def register_blueprints(app):
    from app.admin import bp as admin_bp
    from app.analytics import bp as analytics_bp
    from app.attachments import bp as attachments_bp
    from app.auth import bp as auth_bp
    from app.incidents import bp as incidents_bp
    from app.integrations import bp as integrations_bp
    from app.main import bp as main_bp
    from app.pagerduty import bp as pagerduty_bp
    from app.postmortems import bp as postmortems_bp
    from app.preferences import bp as preferences_bp
    from app.slack import bp as slack_bp
    from app.tickets import bp as tickets_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(incidents_bp, url_prefix="/incidents")
    app.register_blueprint(tickets_bp, url_prefix="/tickets")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(integrations_bp, url_prefix="/admin/integrations")
    app.register_blueprint(analytics_bp, url_prefix="/analytics")
    app.register_blueprint(slack_bp, url_prefix="/slack")
    app.register_blueprint(pagerduty_bp, url_prefix="/pagerduty")
    app.register_blueprint(attachments_bp, url_prefix="/attachments")
    app.register_blueprint(preferences_bp, url_prefix="/account")
    app.register_blueprint(postmortems_bp, url_prefix="/postmortems")
    from app import api

    api.init_app(app)


def register_error_handlers(app):
    from app.errors import register

    register(app)


def register_security_headers(app):
    from app.security_headers import register

    register(app)


def register_template_helpers(app):
    from app import chrome, list_rows, templating

    templating.register(app)
    list_rows.register(app)
    chrome.register(app)


def register_jobs(app):
    """Give the scheduler its table of jobs."""
    from app.jobs.timetable import TIMETABLE

    app.extensions["relay.jobs"] = TIMETABLE


def register_sla(app):
    """Keep every record's SLA clock current as it changes (before the notifiers read it)."""
    from app.services import sla_scan

    sla_scan.register()


def register_notifications(app):
    from app import outbox
    from app.notifications import register

    outbox.register()
    register(app)


def register_outbox_wakeup(app):
    """Wake the workers after every commit that adds deliveries, rather than at their next poll."""
    from app.outbox import wake

    wake.register()


def register_domain_rules(app):
    """Subscribe the services that react to other services' events (a postmortem drafted on entering postmortem)."""
    from app.services import postmortems

    postmortems.register()


def register_analytics(app):
    """Queue the days each change touches, so the worker keeps the analytics rollup current."""
    from app.services import rollup

    rollup.register()


def register_proxies(app):
    """Behind TRUSTED_PROXY_COUNT proxies, take the client's address and scheme from their headers."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    count = app.config.get("TRUSTED_PROXY_COUNT") or 0
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_commands(app):
    from app.commands import register

    register(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
