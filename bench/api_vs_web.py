"""Benchmark: the REST API against the web pages that do the same, on one server, side by side.

    python bench/api_vs_web.py [--rows 100000] [--clients 4] [--requests 200] [--rounds 3]

Fills a SQLite database through the migrations with --rows incidents, starts Relay under
gunicorn (2 workers x 4 threads; the outbox worker is not running, so notifications only
queue), signs the demo admin in for the web and makes an API token for the same admin, then
in each round runs, back to back:
  - GET /api/v1/incidents?limit=50 against the web list page GET /incidents/ (PER_PAGE=50);
  - POST /api/v1/incidents (JSON) against POST /incidents/new (the declare form, CSRF token and all).
It prints requests per second and the median latency of each, and the API/web ratio (the
median over the rounds; above 1 means the API is faster). The server is stopped at the end.
"""
import argparse
import http.client
import json
import re
import statistics
import threading
import time
import urllib.parse

from common import ROOT, migrate, scratch_app
from incident_list import fill
from pages_vs_floor import free_port, sign_in, start, stop
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import api_tokens


def csrf_for(port, cookie, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    conn.close()
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def drive(port, make_request, ok, clients, requests):
    """(requests per second, median latency ms) for *requests* requests over *clients* keep-alive connections."""
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    latencies, failures = [], []

    def client(count, offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(count):
            method, path, body, headers = make_request(offset + n)
            began = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            if response.status != ok:
                failures.append(response.status)
        conn.close()

    threads = [threading.Thread(target=client, args=(n, i * 100_000)) for i, n in enumerate(share)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return requests / elapsed, statistics.median(latencies) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="requests per operation per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if min(args.rows, args.clients, args.requests, args.rounds) < 1 or args.requests < args.clients:
        parser.error("all counts must be positive, and --requests at least --clients")
    app = scratch_app()
    with app.app_context():
        migrate()
        fill(args.rows)
        admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
        token = api_tokens.create_personal_token(admin, name="bench", scope="write", expires_in_days=7)[1]
        url = db.engine.url.render_as_string(hide_password=False)
    env = {"DATABASE_URL": url, "RELAY_ENV": "production", "SECRET_KEY": "bench-only-secret",
           "SESSION_COOKIE_SECURE": "0", "LOGIN_RATE_LIMIT": "1000/minute", "API_RATE_LIMIT": "1000000/minute",
           "RELAY_INPROCESS_WORKER": "0", "PER_PAGE": "50", "PYTHONPATH": str(ROOT)}
    port = free_port()
    server = None
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        server = start(str(ROOT), "run:app", env, port)
        cookie = sign_in(port)
        csrf = csrf_for(port, cookie, "/incidents/new")
        form_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        pairs = [
            ("list 50 newest", 200,
             lambda n: ("GET", "/api/v1/incidents?limit=50", None, bearer), 200,
             lambda n: ("GET", "/incidents/", None, {"Cookie": cookie})),
            ("declare", 201,
             lambda n: ("POST", "/api/v1/incidents", json.dumps({"title": f"bench api {n}", "severity": "sev3"}),
                        {**bearer, "Content-Type": "application/json"}), 302,
             lambda n: ("POST", "/incidents/new", urllib.parse.urlencode(
                 {"csrf_token": csrf, "title": f"bench web {n}", "severity": "sev3"}), form_headers)),
        ]
        for _, api_ok, api_request, web_ok, web_request in pairs:  # warm up
            drive(port, api_request, api_ok, args.clients, args.clients * 4)
            drive(port, web_request, web_ok, args.clients, args.clients * 4)
        results = {label: ([], []) for label, *_ in pairs}
        for number in range(1, args.rounds + 1):
            for label, api_ok, api_request, web_ok, web_request in pairs:
                results[label][0].append(drive(port, api_request, api_ok, args.clients, args.requests))
                results[label][1].append(drive(port, web_request, web_ok, args.clients, args.requests))
            print(f"  round {number}/{args.rounds} done", flush=True)
    finally:
        if server is not None:
            stop(server)
    print(f"\n{args.rows:,} incidents, SQLite, gunicorn 2 workers x 4 threads, {args.clients} clients, "
          f"{args.requests} requests x {args.rounds} rounds (medians over rounds)")
    print(f"{'operation':<16} {'API req/s':>10} {'web req/s':>10} {'API p50 ms':>11} {'web p50 ms':>11} {'API/web':>8}")
    for label, (api, web) in results.items():
        ratios = [a[0] / w[0] for a, w in zip(api, web)]
        print(f"{label:<16} {statistics.median(a[0] for a in api):10.1f} {statistics.median(w[0] for w in web):10.1f} "
              f"{statistics.median(a[1] for a in api):11.1f} {statistics.median(w[1] for w in web):11.1f} "
              f"{statistics.median(ratios):8.2f}")


if __name__ == "__main__":
    main()
