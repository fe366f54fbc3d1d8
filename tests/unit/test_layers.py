"""The import graph points down, has no cycles, and notifications are registered without any front."""
import ast
from pathlib import Path
import subprocess
import sys

APP = Path(__file__).resolve().parents[2] / "app"

# Inbound fronts: the web blueprints, Slack, and the CLI. Only create_app (app/__init__.py) wires them up.
FRONTS = ("app.admin", "app.analytics", "app.attachments", "app.auth", "app.incidents", "app.integrations",
          "app.main", "app.pagerduty", "app.postmortems", "app.preferences", "app.slack", "app.tickets", "app.commands", "app.api")

# What each lower layer must never import (the worker loop is a front that lives beside the outbox).
BELOW = {
    "app.extensions": ("app.models", "app.services", "app.outbox", "app.notifications", "app.jobs", "app.blocks"),
    "app.models": ("app.services", "app.outbox", "app.notifications", "app.jobs", "app.blocks"),
    "app.outbox": ("app.services", "app.notifications", "app.jobs", "app.blocks"),
    "app.services": ("app.notifications", "app.jobs", "app.blocks", "app.outbox.worker"),
    "app.blocks": ("app.notifications", "app.jobs"),
    "app.notifications": ("app.jobs",),
}
EXEMPT = {"app.outbox.worker"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in APP.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The app modules *name* imports, at the top or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [base]).strip(".")
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                         for alias in node.names)
    return {module for module in found if module in MODULES}


GRAPH = {name: imports_of(name) for name in MODULES}


def within(module: str, packages) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def test_the_graph_was_read():
    assert "app.services.core.events" in GRAPH["app.notifications.email"]
    assert "app.services.incidents" in GRAPH["app.incidents.routes"]


def test_only_fronts_import_fronts():
    upward = sorted((name, target) for name, targets in GRAPH.items() for target in targets
                    if name != "app" and not within(name, FRONTS) and within(target, FRONTS))
    assert upward == []


def test_imports_point_down():
    upward = sorted((name, target) for name, targets in GRAPH.items() if name not in EXEMPT
                    for layer, banned in BELOW.items() if within(name, (layer,))
                    for target in targets if within(target, banned))
    assert upward == []


def test_no_import_cycles():
    # A blueprint package's __init__ loading its own routes (the Flask idiom) is the one loop allowed:
    # an import of one's own package is left out.
    graph = {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in GRAPH.items()}
    cycles, seen = [], set()

    def visit(name, path):
        if name in path:
            cycles.append(path[path.index(name):] + [name])
            return
        if name in seen:
            return
        for target in sorted(graph[name]):
            visit(target, path + [name])
        seen.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []


def test_registration_needs_no_front():
    """The channels and the jobs register without any front being imported, so removing one silences nothing."""
    script = """
import sys
from flask import Flask
from app import register_jobs
from app.notifications import register
from app.outbox.registry import DELIVERERS, IDLE_HOOKS
from app.services.core import events
app = Flask("relay")
app.config["ENV_NAME"] = "testing"
register_jobs(app)
register(app)
fronts = [m for m in sys.modules if m.split(".")[:2] in FRONTS]
print(sorted(DELIVERERS), len(IDLE_HOOKS), sorted(job.name for job in app.extensions["relay.jobs"]), fronts)
for name in ("incident.declared", "incident.assigned", "incident.status_changed", "incident.commented",
             "ticket.created", "ticket.assigned", "ticket.status_changed"):
    modules = sorted({fn.__module__ for fn in events._subscribers[name]})
    print(name, modules)
""".replace("FRONTS", repr([front.split(".") for front in FRONTS]))
    output = subprocess.run([sys.executable, "-c", script], cwd=APP.parent, capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert output[0] == "['email', 'pagerduty', 'pagerduty_webhook', 'slack', 'webhook'] 1 ['overdue_reminder', 'stale_report', 'tickets_pin', 'weekly_summary'] []"
    for line in output[1:]:
        # Every incident and ticket event also goes to the webhooks.
        assert line.endswith(", 'app.notifications.webhooks.events']"), line
        line = line.replace(", 'app.notifications.webhooks.events'", "")
        assert line.endswith("['app.notifications.email.incidents', 'app.notifications.slack.incidents']") or \
            line.endswith("['app.notifications.email.tickets', 'app.notifications.slack.tickets']") or \
            line == ("incident.status_changed ['app.notifications.email.incidents', 'app.notifications.pagerduty', "
                     "'app.notifications.slack.escalations', 'app.notifications.slack.incidents']") or \
            line == ("incident.assigned ['app.notifications.email.incidents', 'app.notifications.slack.escalations', "
                     "'app.notifications.slack.incidents']") or \
            line == ("ticket.status_changed ['app.notifications.email.tickets', 'app.notifications.pagerduty', "
                     "'app.notifications.slack.tickets']"), line


def test_create_app_registers_each_subscriber_once(app):
    from app.notifications import email, pagerduty, slack, webhooks
    from app.services.core import events

    for table in (email.SUBSCRIBERS, slack.SUBSCRIBERS, pagerduty.SUBSCRIBERS, webhooks.SUBSCRIBERS):
        for names, fn in table:
            for name in names:
                assert events._subscribers[name].count(fn) == 1
