"""Benchmark: from `@Relay escalate …` in a customer's channel to PagerDuty receiving the trigger.

    python bench/escalate_latency.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB \
        [--escalations 60] [--clients 4] [--pause 3] [--pagerduty-delay 0.3] [--poll 2.0] [--workers 2]

Builds the schema through the migrations in an EMPTY database, links Acme's channel and
sets up PagerDuty, then serves Relay under gunicorn as shipped (gunicorn.conf.py) with
--workers `flask worker` processes beside it (WORKER_POLL_SECONDS=--poll, 2 s by default: a
worker is woken by each commit that adds deliveries and waits at most that long). The PagerDuty
stand-in answers each Events API call after --pagerduty-delay seconds (300 ms), the Slack
stand-in and a local SMTP server at once. --clients Acme members send signed app_mention
events, each after a random pause of --pause/3 to --pause seconds (so mentions land at any
point of the workers' wait). Each escalation also makes the incident's Slack channel,
summary, confirmation and emails: the page is due ahead of them, so it goes first.
Measured: the mention's answer (Slack wants it within 3 s) and the time from sending the
mention to the trigger arriving at PagerDuty. Side by side, in the same run: the same
trigger sent straight to the stand-in (its 300 ms is the floor of any relay).
On SQLite (--database-url sqlite:////tmp/EMPTY.db) run one worker (--workers 1): SQLite has one
writer, and a worker there is woken by a datagram to its socket in instance/wakeup/.
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
import hashlib
import hmac
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Organization, Role, User  # noqa: E402
from app.services import channel_links, pagerduty_settings  # noqa: E402
from config import ProductionConfig, database_url  # noqa: E402
from pages_vs_floor import free_port, start, stop  # noqa: E402
from tests.pagerduty_standin import PagerDutyStandin  # noqa: E402
from tests.slack_standin import SlackStandin  # noqa: E402
from tests.smtp import SMTPServer  # noqa: E402

SIGNING_SECRET = "bench-slack-signing-secret"
CHANNEL, ROUTING_KEY, SERVICE = "CACMEBENCH", "B" * 32, "PBENCH2"


def prepare(env, clients, slack):
    app = create_app(type("BenchConfig", (ProductionConfig,), {
        "SECRET_KEY": env["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": database_url(env["DATABASE_URL"]),
        "RELAY_ENCRYPTION_KEYS": env["RELAY_ENCRYPTION_KEYS"]}))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        provider, acme = Organization(name="Provider", slug="provider", is_provider=True), \
            Organization(name="Acme Corp", slug="acme")
        admin = User(email="admin@example.com", display_name="Admin", role=Role.ADMIN, org=provider, password_hash="!")
        db.session.add_all([provider, acme, admin])
        for n in range(clients):
            db.session.add(User(email=f"member{n}@acme.example", display_name=f"Member {n}", role=Role.REPORTER,
                                org=acme, password_hash="!", slack_user_id=f"UACME{n}"))
            slack.add_user(f"UACME{n}", f"member{n}@acme.example", f"Member {n}")
        db.session.commit()
        channel_links.link_channel(admin, CHANNEL, "acme", channel_name="customer-acme")
        pagerduty_settings.save_integration(admin, provider.id, routing_keys_text=ROUTING_KEY, service_ids=SERVICE)
        db.engine.dispose()


def mention(base, user, token):
    body = json.dumps({"type": "event_callback", "event_id": f"Ev{token}", "event": {
        "type": "app_mention", "user": user, "text": f"<@UBOT> escalate API down ({token})",
        "ts": f"{int(time.time())}.{random.randint(0, 999999):06d}", "channel": CHANNEL}})
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base}/slack/events", data=body.encode(), method="POST", headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"})
    sent = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return token, sent, time.monotonic() - sent


def direct(pd_url, token):
    """The reference: the same kind of trigger, straight to the stand-in."""
    body = json.dumps({"routing_key": ROUTING_KEY, "event_action": "trigger", "dedup_key": f"REF-{token}",
                       "payload": {"summary": f"reference ({token})", "source": "bench", "severity": "error"}})
    request = urllib.request.Request(f"{pd_url}/v2/enqueue", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    sent = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return time.monotonic() - sent


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY database (PostgreSQL for the measured run)")
    parser.add_argument("--escalations", type=int, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pause", type=float, default=3.0, help="most seconds a client waits between mentions")
    parser.add_argument("--pagerduty-delay", type=float, default=0.3)
    parser.add_argument("--poll", type=float, default=2.0, help="WORKER_POLL_SECONDS of the worker")
    parser.add_argument("--workers", type=int, default=2, help="`flask worker` processes (docker-compose runs 2)")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="relay-escalate-bench-")
    pd, slack, smtp = PagerDutyStandin().start(), SlackStandin().start(), SMTPServer().start()
    pd.add_service(SERVICE, ROUTING_KEY)
    pd.delay = args.pagerduty_delay
    slack.known_channels.add(CHANNEL)
    env = {**os.environ, "RELAY_ENV": "production", "SECRET_KEY": "bench-secret-key", "SESSION_COOKIE_SECURE": "false",
           "DATABASE_URL": args.database_url, "RELAY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": slack.token, "SLACK_API_URL": slack.url,
           "PAGERDUTY_EVENTS_URL": pd.url, "PAGERDUTY_API_URL": pd.url, "WORKER_POLL_SECONDS": str(args.poll),
           "BASE_URL": "http://relay.bench", "MAIL_SERVER": smtp.host, "MAIL_PORT": str(smtp.port)}
    prepare(env, args.clients, slack)
    port = free_port()
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=open(f"{scratch}/worker{n}.log", "w"))
               for n in range(args.workers)]
    server = None
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(11)
    pauses = [rng.uniform(args.pause / 3, args.pause) for _ in range(args.escalations)]

    def client(n):
        done = []
        for i in range(n, args.escalations, args.clients):
            time.sleep(pauses[i])
            done.append(mention(base, f"UACME{n}", f"bench-{i}"))
            done[-1] += (direct(pd.url, f"bench-{i}"),)
        return done

    try:
        server = start(str(ROOT), "run:app", env, port, options=())  # gunicorn.conf.py, as shipped
        for n in range(args.workers):  # no mention before every worker is up (a loaded machine starts them slowly)
            deadline = time.monotonic() + 120
            while "worker started" not in Path(f"{scratch}/worker{n}.log").read_text():
                if time.monotonic() > deadline:
                    raise SystemExit(f"worker {n} did not start; see {scratch}/worker{n}.log")
                time.sleep(0.2)
        with ThreadPoolExecutor(args.clients) as pool:
            sent = [row for rows in pool.map(client, range(args.clients)) for row in rows]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(pd.accepted("trigger")) < 2 * args.escalations:
            time.sleep(0.1)
    finally:
        if server is not None:
            stop(server)
        for process in workers:
            process.terminate()
            process.wait(timeout=30)
        pd.stop()
        slack.stop()
        smtp.stop()
    arrived = {}
    for event in pd.events:
        if event.status == 202 and event.body.get("event_action") == "trigger":
            summary = event.body["payload"]["summary"]
            token = summary[summary.rfind("(") + 1:summary.rfind(")")]
            if not event.body["dedup_key"].startswith("REF-"):
                arrived[token] = event.at
    to_trigger = [(arrived[token] - at) * 1000 for token, at, _, _ in sent if token in arrived]
    answers = [answer * 1000 for _, _, answer, _ in sent]
    reference = [ref * 1000 for _, _, _, ref in sent]
    print(f"{len(sent)} escalations from {args.clients} clients, PagerDuty answering in "
          f"{args.pagerduty_delay * 1000:.0f} ms, {args.workers} worker(s) waiting at most {args.poll:g} s, "
          f"{args.database_url.split(':')[0]}; {len(to_trigger)} triggers arrived; load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print(f"{'':44} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, values in (("mention answered (Slack wants < 3000)", answers),
                          ("reference: trigger sent straight to PagerDuty", reference),
                          ("mention -> trigger at PagerDuty, via Relay", to_trigger)):
        print(f"{label:44} {statistics.median(values):>8.0f} {percentile(values, 99):>8.0f} {max(values):>8.0f}")
    print(f"via Relay / straight: p50 {statistics.median(to_trigger) / statistics.median(reference):.1f}x, "
          f"p99 {percentile(to_trigger, 99) / percentile(reference, 99):.1f}x")
    print(f"logs: {scratch}")
    sys.exit(0 if len(to_trigger) == len(sent) else 1)


if __name__ == "__main__":
    main()
