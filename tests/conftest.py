"""Fixtures: a fresh app and database per test, clients, sign-in and factories.

The suite runs on a SQLite file by default and on PostgreSQL with `--postgres`
(using TEST_DATABASE_URL; each xdist worker gets a database of its own).
"""
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.api import api
from app.extensions import db as _db
from app.extensions import limiter
from app.services.core import unpinged
from config import TestingConfig, database_url
from tests.factories import Factory
from tests.smtp import SMTPServer
from tests.support import MemoryBytecodeCache, RelayClient

# Each test gets a new app; sharing compiled templates between them keeps that cheap.
TEMPLATE_CACHE = MemoryBytecodeCache()


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true",
                     help="run against PostgreSQL at TEST_DATABASE_URL instead of SQLite")


@pytest.fixture(scope="session")
def database_uri(request, tmp_path_factory, worker_id):
    """The database this test process owns."""
    if not request.config.getoption("--postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'relay-test.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.exit("--postgres needs TEST_DATABASE_URL", returncode=2)
    url = make_url(database_url(base))
    name = f"{url.database}_{worker_id}"
    recreate_postgres_database(url, name)
    yield url.set(database=name).render_as_string(hide_password=False)
    recreate_postgres_database(url, name, create=False)


def recreate_postgres_database(url, name, create=True):
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def make_config(uri, **overrides):
    return type("TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": uri, **overrides})


@pytest.fixture(scope="session")
def _schema(database_uri):
    app = create_app(make_config(database_uri))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return database_uri


@pytest.fixture
def config_overrides():
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(_schema, config_overrides):
    app = reused_app(_schema, config_overrides)
    with app.app_context():
        yield app
        _db.session.remove()
        empty_tables()
        _db.engine.dispose()
        unpinged.dispose(app)
    keep_for_next_test(app)


# Building an app costs about 0.1 s (130 URL rules and the OpenAPI document), so the next test with
# the same settings gets the same one, unless the test changed it. Only the newest app is kept:
# some extensions (the limiter, the API) hold the settings of the app they were last set up for.
_kept = {}


def reused_app(uri, overrides):
    key = (uri, repr(sorted(overrides.items())))
    app = _kept.pop(key, None)
    _kept.clear()
    if app is not None and app_state(app) == app.relay_test_state:
        if app.config["RATELIMIT_STORAGE_URI"].startswith("memory:"):
            limiter.reset()  # a new app would have started with empty counters
        return app
    app = create_app(make_config(uri, **overrides))
    app.test_client_class = RelayClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.relay_test_key = key
    app.relay_test_extensions = sorted(app.extensions)
    app.relay_test_state = app_state(app)
    return app


def keep_for_next_test(app):
    if app_state(app) == app.relay_test_state:
        _kept[app.relay_test_key] = app


def app_state(app):
    """What a test could change about an app: its config, extensions and routes, and the shared extensions.

    Extensions the app adds while serving (its own caches) do not count.
    """
    shared = tuple(tuple(sorted((name, id(value)) for name, value in vars(ext).items())) for ext in (limiter, api))
    return (dict(app.config), [(name, id(app.extensions.get(name))) for name in app.relay_test_extensions],
            len(app.url_map._rules), shared)


def empty_tables():
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Only the tables this test wrote to, children first, and DELETE rather than TRUNCATE:
            # TRUNCATE makes new files for every table it names or cascades to (0.1-0.4 s a test).
            with_rows, moved = used_tables(conn, [t.name for t in tables])
            for table in tables:
                if table.name in with_rows:
                    conn.execute(table.delete())
            if moved:
                conn.execute(text("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in moved)))
        else:
            for table in tables:
                conn.execute(table.delete())


def used_tables(conn, names):
    """(the tables among *names* that hold rows, the sequences that have handed out a number)."""
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names)
    with_rows = {row[0] for row in conn.execute(text(probe))}
    moved = [row[0] for row in conn.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))]
    return with_rows, moved


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    return Factory(_db)


@pytest.fixture
def login_as(client):
    """Sign *user* in on the shared test client (through the real login form)."""

    def login(user, password=Factory.PASSWORD):
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, f"could not sign in as {user.email}"
        return client

    return login


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback; the app's mail goes to it (see tests/smtp.py)."""
    server = SMTPServer().start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port)
    yield server
    server.stop()
