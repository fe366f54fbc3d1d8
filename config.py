"""Configuration, read once from the environment (and an optional .env file)."""
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def env(name, default=None):
    return os.environ.get(name, default)


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url):
    """Point plain PostgreSQL URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


DEFAULT_DATABASE = f"sqlite:///{BASE_DIR / 'instance' / 'relay.db'}"


class Config:
    SECRET_KEY = env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(env("DATABASE_URL", DEFAULT_DATABASE))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    APP_NAME = env("APP_NAME", "Relay")
    BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")
    TIMEZONE = env("TIMEZONE", "UTC")
    PER_PAGE = env_int("PER_PAGE", 25)
    # Incident and ticket lists count their matches up to this many; past it the pager says "1,000+".
    LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 1000)
    # Open incident and ticket pages, lists and the dashboard ask whether they changed this often (0: never).
    LIVE_POLL_SECONDS = max(0, env_int("LIVE_POLL_SECONDS", 10))

    # Attachments live outside static/ and are served only through a permission-checked route.
    # local: files in ATTACHMENTS_DIR on this machine; database: in the database, for more than one node.
    ATTACHMENT_STORAGE = env("ATTACHMENT_STORAGE", "local")
    ATTACHMENTS_DIR = env("ATTACHMENTS_DIR")  # default: instance/attachments
    MAX_ATTACHMENT_BYTES = env_int("MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    # A little headroom for the form fields around the file; beyond it the request is refused early.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 256 * 1024

    # Bootstrap is served from our own host; the app must look right offline.
    BOOTSTRAP_SERVE_LOCAL = True

    # Sign-in limits must hold across processes and machines: Redis when there is one.
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI") or env("REDIS_URL") or "memory://"
    # Keeps Relay's counters apart from anything else in the same Redis database.
    LOGIN_LIMIT_KEY_PREFIX = env("LOGIN_LIMIT_KEY_PREFIX", "relay")
    # If Redis is unreachable, limit per process rather than answer 500 to every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Proxies in front (nginx = 1) whose X-Forwarded-For/-Proto are believed; 0 = none, headers ignored.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")  # failed sign-ins per account
    LOGIN_RATE_LIMIT_PER_ADDRESS = env("LOGIN_RATE_LIMIT_PER_ADDRESS", "20 per minute")  # failed, per address
    # API requests per token (requests without a token: per address), in the same storage.
    API_RATE_LIMIT = env("API_RATE_LIMIT", "600 per minute")

    # Outbound webhooks: endpoints on loopback or private networks are refused unless this is on.
    WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")
    WEBHOOK_TIMEOUT = float(env("WEBHOOK_TIMEOUT", "10"))
    # An endpoint is switched off after this many failed attempts in a row.
    WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 20)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts two weeks (Flask-Login's default is a year); sign-out ends it at once.
    REMEMBER_COOKIE_DURATION = timedelta(days=env_int("REMEMBER_COOKIE_DAYS", 14))

    MAIL_SERVER = env("MAIL_SERVER")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = env("MAIL_USERNAME")
    MAIL_PASSWORD = env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "Relay <relay@localhost>")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)
    # Flask-Mail would silently drop mail whenever TESTING is on; the tests use a real SMTP server.
    MAIL_SUPPRESS_SEND = False

    # The outbox worker (`flask worker`).
    WORKER_POLL_SECONDS = float(env("WORKER_POLL_SECONDS", "2"))
    WORKER_MAX_ATTEMPTS = env_int("WORKER_MAX_ATTEMPTS", 8)
    WORKER_BACKOFF_BASE_SECONDS = env_int("WORKER_BACKOFF_BASE_SECONDS", 30)
    WORKER_BACKOFF_MAX_SECONDS = env_int("WORKER_BACKOFF_MAX_SECONDS", 3600)
    WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 300)
    # The worker seals the audit trail this often; with a key the seal is an HMAC a
    # database-only attacker cannot forge (keep the key out of the database and its backups).
    AUDIT_SEAL_SECONDS = env_int("AUDIT_SEAL_SECONDS", 60)
    AUDIT_SEAL_KEY = env("AUDIT_SEAL_KEY")
    # `flask run` in development starts a worker thread too, unless this is 0.
    RELAY_INPROCESS_WORKER = env_bool("RELAY_INPROCESS_WORKER", True)

    # Scheduled jobs: "HH:MM" is daily, "monday HH:MM" weekly, both in TIMEZONE; ":MM" hourly.
    OVERDUE_REMINDER_AT = env("OVERDUE_REMINDER_AT", "08:00")
    OVERDUE_AFTER_DAYS = env_int("OVERDUE_AFTER_DAYS", 7)
    STALE_REPORT_AT = env("STALE_REPORT_AT", "08:00")
    STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 3)
    WEEKLY_SUMMARY_AT = env("WEEKLY_SUMMARY_AT", "monday 09:00")
    TICKETS_PIN_AT = env("TICKETS_PIN_AT", ":00")

    # Slack: without a bot token and signing secret the Slack endpoints answer 404.
    SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET")
    SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN")
    SLACK_API_URL = env("SLACK_API_URL", "https://slack.com/api/")
    SLACK_INCIDENTS_CHANNEL = env("SLACK_INCIDENTS_CHANNEL")
    SLACK_TICKETS_CHANNEL = env("SLACK_TICKETS_CHANNEL")
    SLACK_ADMIN_CHANNEL = env("SLACK_ADMIN_CHANNEL")
    # Hosts (or host:port) a response_url may point at; Relay posts nowhere else on a request's say-so.
    SLACK_RESPONSE_URL_HOSTS = env("SLACK_RESPONSE_URL_HOSTS", "hooks.slack.com")
    # Slack waits 3 s for an answer; the one inline call (views.open) must give up before that.
    SLACK_REQUEST_TIMEOUT = float(env("SLACK_REQUEST_TIMEOUT", "2.5"))

    # Secrets Relay stores (PagerDuty keys, tokens, webhook secrets) are encrypted with these Fernet
    # keys: comma-separated, the first encrypts, every one decrypts (add a new key first to rotate).
    RELAY_ENCRYPTION_KEYS = env("RELAY_ENCRYPTION_KEYS")
    # PagerDuty: the Events API v2 and the REST API (the tests point both at a local stand-in).
    PAGERDUTY_EVENTS_URL = env("PAGERDUTY_EVENTS_URL", "https://events.pagerduty.com")
    PAGERDUTY_API_URL = env("PAGERDUTY_API_URL", "https://api.pagerduty.com")
    PAGERDUTY_TIMEOUT = float(env("PAGERDUTY_TIMEOUT", "10"))
    # Webhooks whose event occurred longer ago than this are refused (PagerDuty retries for 48 hours).
    PAGERDUTY_WEBHOOK_MAX_AGE_HOURS = env_int("PAGERDUTY_WEBHOOK_MAX_AGE_HOURS", 72)


# Keys that are public (in this repository or its examples): a session signed with one of them can
# be forged by anyone, so outside development Relay refuses to start with them.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key"
TESTING_SECRET_KEY = "testing-secret-key"
PUBLIC_SECRET_KEYS = frozenset({DEVELOPMENT_SECRET_KEY, TESTING_SECRET_KEY, "change-me"})


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = Config.SECRET_KEY or DEVELOPMENT_SECRET_KEY


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = TESTING_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = database_url(env("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    SLACK_SIGNING_SECRET = None
    SLACK_BOT_TOKEN = None
    RELAY_ENCRYPTION_KEYS = None
    ATTACHMENTS_DIR = env("TEST_ATTACHMENTS_DIR", os.path.join(tempfile.gettempdir(), "relay-test-attachments"))


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    """Return the config class for *name*, or for RELAY_ENV (default: production, but see below)."""
    name = name or env("RELAY_ENV") or default_env_name()
    try:
        return CONFIGS[name]
    except KeyError:
        raise SystemExit(f"Unknown RELAY_ENV {name!r}; use one of {', '.join(CONFIGS)}.")


def default_env_name():
    """Production, unless this process is `flask run` (the development server)."""
    context = click.get_current_context(silent=True)
    return "development" if context is not None and context.info_name == "run" else "production"
