"""The newcomer's commands as a newcomer runs them: real processes, real exit codes."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RELAY_", "SECRET_KEY", "DATABASE_URL"))}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'relay.db'}", FLASK_APP="run.py", **env)
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture
def migrated(tmp_path):
    result = run([sys.executable, "-m", "flask", "db", "upgrade"], tmp_path, RELAY_ENV="development")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_seeding_twice_changes_nothing(migrated):
    first = run([sys.executable, "create_users.py"], migrated)
    assert first.returncode == 0, first.stderr
    assert "created admin     admin@example.com / admin123" in first.stdout
    assert "DEMO CREDENTIALS" in first.stderr
    second = run([sys.executable, "-m", "flask", "seed"], migrated, RELAY_ENV="development")
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout


def test_seeding_refuses_production_unless_forced(migrated):
    refused = run([sys.executable, "create_users.py"], migrated, RELAY_ENV="production", SECRET_KEY="s3cret")
    assert refused.returncode == 1 and "Refusing to create demo users in production" in refused.stderr
    forced = run([sys.executable, "create_users.py", "--force"], migrated, RELAY_ENV="production", SECRET_KEY="s3cret")
    assert forced.returncode == 0, forced.stderr


def test_seed_script_rejects_unknown_arguments(migrated):
    result = run([sys.executable, "create_users.py", "--drop-everything"], migrated)
    assert result.returncode == 2 and "unknown argument: --drop-everything" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run([sys.executable, "-c", "import run"], tmp_path, RELAY_ENV="production")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == \
        "SECRET_KEY is not set: refusing to start in production without one."


def test_unknown_environment_name_is_a_clear_error(tmp_path):
    result = run([sys.executable, "-c", "import run"], tmp_path, RELAY_ENV="staging")
    assert result.returncode != 0 and "Unknown RELAY_ENV 'staging'" in result.stderr


def test_postgres_urls_use_the_psycopg_driver():
    from config import database_url

    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_gunicorn_stops_at_once_without_a_secret_key(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = run([str(gunicorn), "--bind", "127.0.0.1:0", "run:app"], tmp_path, RELAY_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set: refusing to start in production without one." in result.stderr
