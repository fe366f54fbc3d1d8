"""docker-compose.yml is valid YAML in the scaled shape, and nginx.conf points at its web servers."""
from pathlib import Path
import re

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def web_services(services):
    return sorted(name for name, service in services.items() if service.get("command") == ["gunicorn", "run:app"])


def test_two_web_servers_behind_the_proxy(services):
    webs = web_services(services)
    assert len(webs) == 2
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert sorted(re.findall(r"^\s*server (\S+):8000", nginx, re.M)) == webs
    proxy = services["proxy"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert set(proxy["depends_on"]) == set(webs) and "ports" in proxy
    assert not any("ports" in services[name] for name in webs)  # only through the proxy
    assert all(services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1" for name in webs)


def test_two_workers_and_migrations_run_once(services):
    assert services["worker"]["command"] == ["flask", "worker"] and services["worker"]["deploy"]["replicas"] == 2
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    for name in web_services(services) + ["worker"]:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_every_node_shares_the_database_redis_and_files(services):
    for name in web_services(services) + ["worker", "migrate"]:
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == "postgresql://relay:relay@db:5432/relay"
        assert env["ATTACHMENT_STORAGE"] == "database"
        assert env["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
        assert env["SESSION_COOKIE_SECURE"] == "${SESSION_COOKIE_SECURE:-true}"
        assert env["RELAY_ENV"] == "production" and env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "volumes" not in services[name]  # nothing on a node's disk that another node needs
    assert {"db", "redis", "mailpit"} <= set(services)
    assert services["redis"]["image"].startswith("redis:") and services["db"]["image"].startswith("postgres:")
