"""Benchmark: how fast Relay answers Slack, with Slack and SMTP both slowed to 2 s per call.

    python bench/slack_latency.py [--database-url URL] [--clients 20] [--requests 15] [--slow 2.0]

Builds a scratch database through the migrations (a SQLite file by default; pass the
URL of an EMPTY PostgreSQL database for the realistic case), starts the Slack Web API
stand-in and an SMTP server that each take --slow seconds per call, serves Relay in a
separate process (threaded), runs the outbox worker beside it when one exists, and has
--clients concurrent clients send signed Slack requests. Prints p50/p99 per kind.
"""
import argparse
import asyncio
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Role, User  # noqa: E402
from app.services.seed import seed_demo  # noqa: E402
from config import ProductionConfig, database_url  # noqa: E402
from tests.slack_standin import SlackStandin  # noqa: E402

SECRET = "bench-signing-secret"


class SlowSMTP:
    def __init__(self, delay):
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed(url, body, content_type="application/x-www-form-urlencoded"):
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - started, status


def prepare(env, clients):
    """Migrate, seed, and link one Slack user per client to a responder account."""
    app = create_app(type("BenchConfig", (ProductionConfig,), {
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url(env["DATABASE_URL"])}))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_demo(log=lambda *_: None)
        provider_org = db.session.scalar(db.select(User).where(User.email == "admin@example.com")).org
        for n in range(clients):
            db.session.add(User(email=f"bench{n}@example.com", display_name=f"Bench {n}", role=Role.RESPONDER,
                                org=provider_org, password_hash="!", slack_user_id=f"UBENCH{n}"))
        db.session.commit()
        db.engine.dispose()


def scenario(base, client, count):
    """One client's requests: commands with and without the modal, a declaration, then button presses."""
    timings = []
    user = f"UBENCH{client}"
    for i in range(count):
        kind = i % 4
        if kind == 0:
            body = urlencode({"command": "/incident", "text": "help", "user_id": user, "trigger_id": "T"})
            timings.append(("commands: /incident help (no Slack call)",) + signed(f"{base}/slack/commands", body))
        elif kind == 1:
            body = urlencode({"command": "/incident", "text": "", "user_id": user, "trigger_id": f"T{client}.{i}"})
            timings.append(("commands: /incident (views.open inline)",) + signed(f"{base}/slack/commands", body))
        elif kind == 2:
            payload = {"type": "view_submission", "user": {"id": user}, "view": {
                "id": f"V{client}.{i}", "callback_id": "incident.declare", "state": {"values": {
                    "title": {"value": {"type": "plain_text_input", "value": f"Bench {client}.{i}"}},
                    "severity": {"value": {"type": "static_select", "selected_option": {"value": "sev3"}}}}}}}
            timings.append(("interactions: declare (view_submission)",)
                           + signed(f"{base}/slack/interactions", urlencode({"payload": json.dumps(payload)})))
        else:
            payload = {"type": "block_actions", "user": {"id": user}, "response_url": "",
                       "channel": {"id": "CBENCH"}, "actions": [{"action_id": "incident.assign_me", "type": "button",
                                                                 "value": json.dumps({"n": client * count + i})}]}
            timings.append(("interactions: Assign to me (block_actions)",)
                           + signed(f"{base}/slack/interactions", urlencode({"payload": json.dumps(payload)})))
    return timings


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=16, help="per client")
    parser.add_argument("--slow", type=float, default=2.0, help="seconds per Slack call and per SMTP message")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="relay-slack-bench-")
    standin = SlackStandin().start()
    standin.delay = args.slow
    standin.known_channels.add("CINCIDENTS")
    smtp = Controller(SlowSMTP(args.slow), hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {**os.environ, "RELAY_ENV": "production", "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "false",
           "DATABASE_URL": args.database_url or f"sqlite:///{scratch}/bench.db",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": standin.token, "SLACK_API_URL": standin.url,
           "SLACK_INCIDENTS_CHANNEL": "CINCIDENTS", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
    prepare(env, args.clients)
    server = subprocess.Popen([sys.executable, "-c", (
        "from run import app; from werkzeug.serving import run_simple; "
        f"run_simple('127.0.0.1', {port}, app, threaded=True)")], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=open(f"{scratch}/server.log", "w"))
    worker = None
    if any((ROOT / "app" / path / "worker.py").exists() for path in ("outbox", "notifications")):  # `flask worker`
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "worker"], cwd=ROOT,
                                  env={**env, "WORKER_POLL_SECONDS": "0.5"},
                                  stdout=subprocess.DEVNULL, stderr=open(f"{scratch}/worker.log", "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        ready_by = time.monotonic() + 90  # a loaded machine takes a while to import and warm up
        while True:
            try:
                urllib.request.urlopen(f"{base}/auth/login", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > ready_by:
                    raise SystemExit(f"Relay did not start; see {scratch}/server.log")
                time.sleep(0.2)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = [t for batch in pool.map(lambda c: scenario(base, c, args.requests), range(args.clients))
                       for t in batch]
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        if worker:
            worker.terminate()
        smtp.stop()
        standin.stop()
    print(f"{args.clients} clients x {args.requests} requests, Slack and SMTP at {args.slow:.1f} s per call, "
          f"{'worker running' if worker else 'no worker'}, {env['DATABASE_URL'].split(':')[0]}, {wall:.1f} s wall")
    print(f"{'request':48} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for kind in sorted({k for k, _, _ in results}):
        times = [t * 1000 for k, t, _ in results if k == kind]
        statuses = sorted({s for k, _, s in results if k == kind})
        print(f"{kind:48} {len(times):>4} {statistics.median(times):>8.0f} {percentile(times, 99):>8.0f} "
              f"{max(times):>8.0f}  {statuses}")
    print(f"Server log: {scratch}/server.log")
    print(f"Slack calls during the run: {len(standin.calls)}")


if __name__ == "__main__":
    main()
