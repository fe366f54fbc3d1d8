"""Benchmark: PagerDuty webhooks at Relay, each sent three times, 20 at once; answers and exactly-once.

    python bench/pagerduty_webhooks.py --database-url postgresql://postgres@127.0.0.1:5432/EMPTY_DB \
        [--incidents 250] [--concurrency 20] [--copies 3] [--single 200]

Builds the schema through the migrations in an EMPTY database, sets up the provider's
PagerDuty settings (one signing secret, one service), and serves Relay under gunicorn as
shipped (gunicorn.conf.py: 2 workers x 4 threads). --incidents PagerDuty incidents each get
four webhooks (triggered, acknowledged, annotated, resolved: 4 x 250 = 1,000
updates); every webhook is sent --copies times with the same X-Webhook-Id, all of them
shuffled (so repeats race each other and updates arrive out of order) and sent by
--concurrency clients over HTTP. Side by side, in the same run and the same way, the same
requests go to a reference server: a bare Flask app that only checks the signature and
answers 202 (the floor of any webhook receiver), under the same gunicorn settings. First
--single further webhooks go one at a time (one client), to Relay and to the reference in
turn, for the answer to one webhook on an idle server; then the concurrent run. Prints
answer p50/p99 for both, the ratio, and the CPU time each server's workers spent per request
(read from /proc), then starts `flask worker` and checks that every update was applied
exactly once.
(A note that arrives before anything else about its incident waits for a retry: the worker
runs with WORKER_BACKOFF_BASE_SECONDS=2 here instead of 30.)
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent, Delivery, DeliveryState, Incident, IncidentStatus, Organization  # noqa: E402
from app.models import PagerDutyLink, Role, User  # noqa: E402
from app.services import pagerduty_settings  # noqa: E402
from config import ProductionConfig, database_url  # noqa: E402
from pages_vs_floor import free_port, start, stop  # noqa: E402
from tests.pagerduty_standin import occurred, webhook_body, webhook_headers  # noqa: E402

SECRET = "bench-pagerduty-signing-secret"
SERVICE = "PBENCH1"
REFERENCE = f"""
import hashlib, hmac
from flask import Flask, request
app = Flask("reference")
SECRET = {SECRET!r}.encode()

@app.post("/pagerduty/webhooks/<slug>")
def webhook(slug):
    body = request.get_data()
    expected = "v1=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s.strip()) for s in request.headers.get("X-PagerDuty-Signature", "").split(",")):
        return {{"error": "invalid"}}, 401
    return {{"ok": True}}, 202
"""


def app_for(env):
    return create_app(type("BenchConfig", (ProductionConfig,), {
        "SECRET_KEY": env["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": database_url(env["DATABASE_URL"]),
        "RELAY_ENCRYPTION_KEYS": env["RELAY_ENCRYPTION_KEYS"]}))


def prepare(env):
    app = app_for(env)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        provider = Organization(name="Provider", slug="provider", is_provider=True)
        admin = User(email="admin@example.com", display_name="Admin", role=Role.ADMIN, org=provider,
                     password_hash="!")
        db.session.add_all([provider, admin, Organization(name="Acme Corp", slug="acme")])
        db.session.commit()
        pagerduty_settings.save_integration(admin, provider.id, routing_keys_text="R" * 32,
                                            webhook_secret=SECRET, service_ids=SERVICE)
        db.engine.dispose()


def webhooks(incidents, copies, first=0, shuffle=True):
    """Every (body, headers) to send: four updates per incident, each repeated *copies* times, shuffled."""
    sends, start = [], time.time() - 3600
    for n in range(first, first + incidents):
        pd_incident = {"id": f"QB{n:06d}", "number": n, "title": f"Bench incident {n}", "status": "triggered",
                       "urgency": "high", "service": {"id": SERVICE, "summary": "Bench", "type": "service_reference"}}
        note = {"type": "incident_note", "id": f"N{n}", "content": f"note {n}",
                "incident": {"id": pd_incident["id"], "type": "incident_reference"}}
        for step, (kind, data) in enumerate([("incident.triggered", None), ("incident.acknowledged", None),
                                             ("incident.annotated", note), ("incident.resolved", None)]):
            at = occurred(datetime.fromtimestamp(start + n + step, timezone.utc))
            body = webhook_body(kind, pd_incident, occurred_at=at, data=data)
            headers = webhook_headers(body, [SECRET], webhook_id=str(uuid.uuid4()))
            sends += [(body, headers)] * copies
    if shuffle:
        random.Random(7).shuffle(sends)
    return sends


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - started, status


def run(url, sends, concurrency):
    with ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda s: post(url, *s), sends))
        return results, time.perf_counter() - started


def cpu_seconds(server):
    """CPU time used so far by a gunicorn master's worker processes (Linux /proc; 0 elsewhere)."""
    total = 0
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")


def one_at_a_time(urls, sends):
    """Each webhook to every receiver in turn, one request at a time: {url: [(seconds, status)]}."""
    results = {url: [] for url in urls}
    for body, headers in sends:
        for url in urls:
            results[url].append(post(url, body, headers))
    return results


def report(title, results):
    """Print p50/p99 per receiver and Relay's ratio to the reference."""
    print(title)
    print(f"{'receiver':26} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8} {'CPU ms':>7}  statuses")
    medians = {}
    for name, (rows, wall, cpu) in results.items():
        times = [t * 1000 for t, _ in rows]
        statuses = {s: sum(1 for _, x in rows if x == s) for s in sorted({s for _, s in rows})}
        medians[name] = (statistics.median(times), percentile(times, 99))
        print(f"{name:26} {medians[name][0]:>8.1f} {medians[name][1]:>8.1f} {max(times):>8.1f} "
              f"{len(rows) / wall:>8.0f} {cpu * 1000 / len(rows):>7.2f}  {statuses}")
    ref, relay_t = medians["reference (verify only)"], medians["Relay"]
    print(f"Relay / reference: p50 {relay_t[0] / ref[0]:.2f}x, p99 {relay_t[1] / ref[1]:.2f}x")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def wait_for(url):
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def check(env, incidents, updates):
    """Every update applied exactly once: one delivered row per webhook id, one incident per PagerDuty incident."""
    app = app_for(env)
    with app.app_context():
        rows = dict(db.session.execute(select(Delivery.state, func.count()).where(Delivery.channel == "pagerduty_webhook")
                                       .group_by(Delivery.state)).all())
        created = db.session.scalar(select(func.count()).select_from(PagerDutyLink))
        resolved = db.session.scalar(select(func.count()).select_from(Incident)
                                     .where(Incident.status == IncidentStatus.RESOLVED))
        declared = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "declared"))
        notes = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "pagerduty", AuditEvent.field == "note"))
        attempts = db.session.scalar(select(func.max(Delivery.attempts)).where(Delivery.channel == "pagerduty_webhook"))
        db.engine.dispose()
    print(f"queued webhooks: {sum(rows.values())} ({', '.join(f'{s.value} {n}' for s, n in rows.items())}), "
          f"expected {updates}; most attempts for one: {attempts}")
    print(f"incidents created: {created} (declared on the timeline: {declared}), resolved: {resolved}, "
          f"notes: {notes}; expected {incidents} each")
    ok = (rows.get(DeliveryState.DELIVERED) == updates == sum(rows.values()) and created == declared == resolved
          == notes == incidents)
    print("every update applied exactly once: " + ("YES" if ok else "NO"))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an EMPTY database (PostgreSQL for the measured run)")
    parser.add_argument("--incidents", type=int, default=250)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--single", type=int, default=200, help="webhooks sent one at a time first (0: none)")
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    scratch = tempfile.mkdtemp(prefix="relay-pd-bench-")
    env = {**os.environ, "RELAY_ENV": "production", "SECRET_KEY": "bench-secret-key", "DATABASE_URL": args.database_url,
           "RELAY_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "SESSION_COOKIE_SECURE": "false",
           "WORKER_POLL_SECONDS": "0.2", "WORKER_BACKOFF_BASE_SECONDS": "2"}
    prepare(env)
    relay_port, reference_port = free_port(), free_port()
    Path(scratch, "reference.py").write_text(REFERENCE)
    relay = start(str(ROOT), "run:app", env, relay_port, options=())  # gunicorn.conf.py, as shipped
    reference = start(scratch, "reference:app", env, reference_port,
                      options=("--workers", "2", "--threads", "4", "--preload"))
    worker = None
    singles = webhooks(-(-args.single // 4), 1, first=args.incidents, shuffle=False)  # whole incidents
    sends = webhooks(args.incidents, args.copies)
    incidents = args.incidents + len(singles) // 4
    updates = args.incidents * 4 + len(singles)
    servers = {"reference (verify only)": reference, "Relay": relay}
    urls = {name: f"http://127.0.0.1:{port}/pagerduty/webhooks/provider"
            for name, port in (("reference (verify only)", reference_port), ("Relay", relay_port))}
    try:
        wait_for(f"http://127.0.0.1:{relay_port}/auth/login")
        wait_for(f"http://127.0.0.1:{reference_port}/")
        single, single_load = {}, None
        if singles:
            started, cpu = time.perf_counter(), {name: cpu_seconds(servers[name]) for name in urls}
            by_url = one_at_a_time(list(urls.values()), singles)
            wall = time.perf_counter() - started
            single = {name: (by_url[url], wall / 2, cpu_seconds(servers[name]) - cpu[name])
                      for name, url in urls.items()}
            single_load = os.getloadavg()
        results = {}
        for name, url in urls.items():
            cpu = cpu_seconds(servers[name])
            results[name] = (*run(url, sends, args.concurrency), cpu_seconds(servers[name]) - cpu)
        load = os.getloadavg()
        # The worker starts once the answers are timed: applying webhooks would otherwise compete for the
        # CPU with Relay's receiver only, never with the reference's.
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "worker"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(f"{scratch}/worker.log", "w"))
        started = time.perf_counter()
        app = app_for(env)
        with app.app_context():
            while db.session.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.channel == "pagerduty_webhook",
                    Delivery.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]))):
                db.session.rollback()
                time.sleep(0.2)
            db.engine.dispose()
        drained = time.perf_counter() - started
    finally:
        stop(relay)
        stop(reference)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    database = args.database_url.split(":")[0]
    if single:
        report(f"{len(singles)} new webhooks, one at a time (1 client, Relay and the reference in turn), {database}",
               single)
        print(f"load average then: {' '.join(f'{x:.1f}' for x in single_load)} (2 cores)\n")
    report(f"{len(sends)} webhook requests ({args.incidents * 4} updates x {args.copies}), {args.concurrency} at once, "
           f"{database}", results)
    print(f"load average when the answers were timed: {' '.join(f'{x:.1f}' for x in load)} (2 cores)")
    print(f"the worker, started then, applied them all in {drained:.1f} s")
    ok = check(env, incidents, updates)
    print(f"logs: {scratch}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
