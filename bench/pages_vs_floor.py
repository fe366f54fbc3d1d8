"""Benchmark: our list pages and dashboard against a bare Flask page, both under gunicorn.

    python bench/pages_vs_floor.py [--rows 10000] [--clients 8] [--requests 400] [--rounds 5]

Builds one SQLite database through the migrations (incidents and tickets, admin
sees all), writes a tiny "floor" app (Flask + SQLAlchemy + Jinja, one query with
the assignee joined, one plain template listing the same 25 rows), starts it and
Relay under gunicorn (2 workers x 4 threads each, same database), signs a client
in to each, then drives both from loopback with a fixed number of requests per
round. Each round measures every page of ours and its floor back to back; the
ratio printed is the median of the rounds. Beside throughput it prints the CPU time each
server spent per request (from /proc), which a busy machine disturbs far less. Both servers
are stopped at the end.
"""
import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

from common import ROOT, insert_numbered, migrate, scratch_app
from incident_list import fill as fill_incidents
from sqlalchemy import delete, select

from app.extensions import db
from app.models import IssueType, Organization, Priority, Ticket, TicketStatus, User
from app.models.base import utcnow

FLOOR_APP = '''
import os
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)
PAGE = """<!doctype html><html><head><title>{{ title }}</title></head><body><table>
<tr><th>#</th><th>Title</th><th>Status</th><th>Assignee</th><th>Created</th></tr>
{% for row in rows %}<tr><td><a href="/{{ row.number }}">{{ row.number }}</a></td><td>{{ row.title }}</td>
<td>{{ row.status }}</td><td>{{ row.assignee or "-" }}</td><td>{{ row.created_at }}</td></tr>{% endfor %}
</table></body></html>"""


def listing(table):
    rows = db.session.execute(text(
        f"SELECT r.number, r.title, r.status, u.display_name AS assignee, r.created_at FROM {table} r "
        "LEFT JOIN users u ON u.id = r.assignee_id ORDER BY r.created_at DESC, r.id DESC LIMIT 25")).all()
    return render_template_string(PAGE, rows=rows, title=table)


@app.route("/incidents")
def incidents():
    return listing("incidents")


@app.route("/tickets")
def tickets():
    return listing("tickets")
'''

# (label, our path, the floor path it is compared with)
PAGES = [
    ("incident list", "/incidents/", "/incidents"),
    ("ticket list", "/tickets/", "/tickets"),
    ("dashboard", "/", "/incidents"),
]


WORDS = ["refund", "login", "invoice", "export", "password", "invite", "checkout", "email", "api", "report"]


def fill_tickets(rows):
    orgs = [o.id for o in db.session.scalars(select(Organization))]
    users = [u.id for u in db.session.scalars(select(User))]
    kinds = [k.id for k in db.session.scalars(select(IssueType))]
    db.session.execute(delete(Ticket))  # the demo tickets; the benchmark numbers its own
    now = utcnow()
    priorities, statuses = list(Priority), list(TicketStatus)

    def ticket(number):
        created = now - timedelta(minutes=number)
        return dict(number=number, title=f"{WORDS[number % 10]} {WORDS[number // 10 % 10]} question {number}",
                    details="", priority=priorities[number % 4],
                    status=statuses[number % len(statuses)], issue_type_id=kinds[number % len(kinds)],
                    org_id=orgs[number % len(orgs)], reporter_id=users[number % len(users)],
                    assignee_id=users[(number * 7) % len(users)] if number % 5 else None,
                    created_at=created, updated_at=created)

    insert_numbered(Ticket, rows, ticket, "ticket", "tickets")


def free_port():
    """A free loopback port picked at random in 20000-29999."""
    while True:
        port = random.randint(20000, 29999)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def start(cwd, app_spec, env, port, options=("--workers", "2", "--threads", "4", "--preload")):
    """Start gunicorn serving *app_spec* from *cwd* in a process group of its own; wait until it listens."""
    command = [sys.executable, "-m", "gunicorn", *options,
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", app_spec]
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{app_spec} did not start (exit {process.returncode})")
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"{app_spec} did not start within 60 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sign_in(port, email="admin@example.com", password="admin123"):
    """A Cookie header for a session signed in (the demo admin by default), through the real login form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    conn.request("POST", "/auth/login", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in of {email} failed: {response.status}"
    conn.close()
    return response.getheader("Set-Cookie").split(";")[0]


def cpu_seconds(group):
    """CPU time (user + system) used so far by the processes of process group *group* (a server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def drive(port, path, cookie, clients, requests):
    """Requests per second for *requests* GETs of *path* spread over *clients* keep-alive connections."""
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    failures = []

    def client(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        for _ in range(count):
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{path}: {len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return requests / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if min(args.rows, args.clients, args.requests, args.rounds) < 1 or args.requests < args.clients:
        parser.error("all counts must be positive, and --requests at least --clients")
    app = scratch_app()
    with app.app_context():
        migrate()
        fill_incidents(args.rows)
        fill_tickets(args.rows)
        url = db.engine.url.render_as_string(hide_password=False)
    floor_dir = tempfile.mkdtemp(prefix="relay-floor-")
    Path(floor_dir, "floor.py").write_text(FLOOR_APP)
    env = {"DATABASE_URL": url, "RELAY_ENV": "production", "SECRET_KEY": "bench-only-secret",
           "SESSION_COOKIE_SECURE": "0", "LOGIN_RATE_LIMIT": "1000/minute", "RELAY_INPROCESS_WORKER": "0",
           "PYTHONPATH": str(ROOT)}
    ours_port, floor_port = free_port(), free_port()
    ours = floor = None
    try:
        ours = start(str(ROOT), "run:app", env, ours_port)
        floor = start(floor_dir, "floor:app", {"DATABASE_URL": url}, floor_port)
        cookie = sign_in(ours_port)
        for label, path, floor_path in PAGES:  # warm both up
            drive(ours_port, path, cookie, args.clients, args.clients * 4)
            drive(floor_port, floor_path, None, args.clients, args.clients * 4)
        results = {label: ([], []) for label, _, _ in PAGES}
        cpu = {label: ([], []) for label, _, _ in PAGES}  # server CPU ms per request
        for number in range(1, args.rounds + 1):
            for label, path, floor_path in PAGES:
                for server, port, target, cookie_, rates, costs in (
                        (ours, ours_port, path, cookie, results[label][0], cpu[label][0]),
                        (floor, floor_port, floor_path, None, results[label][1], cpu[label][1])):
                    before = cpu_seconds(server.pid)
                    rates.append(drive(port, target, cookie_, args.clients, args.requests))
                    costs.append((cpu_seconds(server.pid) - before) * 1000 / args.requests)
            print(f"  round {number}/{args.rounds} done", flush=True)
    finally:
        for process in (ours, floor):
            if process is not None:
                stop(process)
    print(f"\n{args.rows:,} incidents and tickets, SQLite, gunicorn 2 workers x 4 threads, "
          f"{args.clients} clients, {args.requests} requests x {args.rounds} rounds (medians)")
    print("req/s: throughput from 8 clients; CPU: the server's CPU time per request (steadier on a busy machine)")
    print(f"{'page':<16} {'ours req/s':>11} {'floor req/s':>12} {'ratio':>7} {'ours CPU ms':>12} "
          f"{'floor CPU ms':>13} {'CPU ratio':>10}")
    for label, (mine, base) in results.items():
        ratios = [m / b for m, b in zip(mine, base)]
        our_cpu, floor_cpu = cpu[label]
        cpu_ratios = [f / o for o, f in zip(our_cpu, floor_cpu) if o]
        print(f"{label:<16} {statistics.median(mine):11.1f} {statistics.median(base):12.1f} "
              f"{statistics.median(ratios):7.2f} {statistics.median(our_cpu):12.2f} "
              f"{statistics.median(floor_cpu):13.2f} {statistics.median(cpu_ratios):10.2f}")


if __name__ == "__main__":
    main()
