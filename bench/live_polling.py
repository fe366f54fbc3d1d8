"""Benchmark: what 200 open, polling tabs cost one gunicorn server, and the page loads beside them.

    python bench/live_polling.py [--rows 10000] [--tabs 200] [--interval 10] [--seconds 40] [--rounds 2]
                                 [--database-url postgresql://.../EMPTY_DB]

Builds a database through the migrations (demo users, --rows incidents), starts Relay under
gunicorn as shipped (gunicorn.conf.py: 2 workers x 4 threads, keep-alive 2 s), signs three demo
users in, and alternates two phases of --seconds each, --rounds times:

- without polling: 2 readers load normal pages back to back with 0.2 s pauses (an incident,
  the incident list, the dashboard, a ticket list);
- with polling: the same readers, plus --tabs open tabs (70% incident pages on 50 incidents,
  15% incident lists, 15% dashboards) each polling its live URL every --interval seconds with
  If-None-Match (a new connection each time: the server's keep-alive is shorter than the
  interval, as for a browser), while a writer comments on one of those incidents every 2 s (so
  some polls get a fragment, most a 304).

Reported: the server's CPU (user + system of the master and both workers, from /proc) per
second of wall time in each phase, the page loads' p50/p99 in each phase, and the polls' count,
304 share, p50/p99 and failures. Medians over rounds. The load generator runs on the same machine.
"""
import argparse
import http.client
import os
import random
import re
import statistics
import threading
import time
import urllib.parse

from common import ROOT, migrate, scratch_app
from pages_vs_floor import cpu_seconds, free_port, sign_in, start, stop
from incident_list import fill as fill_incidents

from app.extensions import db

USERS = [("admin@example.com", "admin123"), ("manager@example.com", "manager123"),
         ("support@example.com", "support123"), ("user@example.com", "user123")]


def request(conn, method, path, cookie, headers=None, body=None):
    conn.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
    response = conn.getresponse()
    return response, response.read()


def page_etag(port, path, cookie):
    """The live URL and ETag an open page polls with."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    response, body = request(conn, "GET", path, cookie)
    conn.close()
    html = body.decode()
    match = re.search(r'hx-get="([^"]+)"[^>]*data-etag="([0-9a-f]+)"', html)
    assert response.status == 200 and match, (path, response.status)
    return match.group(1).replace("&amp;", "&"), match.group(2)


class Tab(threading.Thread):
    """One open page: polls its live URL every *interval* seconds with the ETag it last saw."""

    def __init__(self, port, url, etag, cookie, interval, stop_at, out):
        super().__init__(daemon=True)
        self.port, self.url, self.etag, self.cookie = port, url, etag, cookie
        self.interval, self.stop_at, self.out = interval, stop_at, out

    def run(self):
        time.sleep(random.uniform(0, self.interval))  # tabs were opened at different moments
        while time.monotonic() < self.stop_at:
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                response, _ = request(conn, "GET", self.url, self.cookie,
                                      {"If-None-Match": f'"{self.etag}"', "HX-Request": "true"})
                conn.close()
                status = response.status
            except OSError:
                status = 0  # refused or dropped: counted as a failure
            self.out.append((status, (time.perf_counter() - began) * 1000))
            if status == 200:
                self.etag = response.getheader("ETag").strip('"')
            time.sleep(max(0.0, self.interval - (time.perf_counter() - began)))


def reader(port, cookie, pages, stop_at, out):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < stop_at:
        path = random.choice(pages)
        began = time.perf_counter()
        try:
            response, _ = request(conn, "GET", path, cookie)
            assert response.status == 200, (path, response.status)
        except OSError:  # the server closed an idle keep-alive connection: open another
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        out.append((time.perf_counter() - began) * 1000)
        time.sleep(0.2)
    conn.close()


def writer(port, cookie, numbers, stop_at):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _, body = request(conn, "GET", f"/incidents/{numbers[0]}", cookie)
    conn.close()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body.decode()).group(1)
    while time.monotonic() < stop_at:
        number = random.choice(numbers)
        data = urllib.parse.urlencode({"csrf_token": token, "body": "Still looking."})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        response, _ = request(conn, "POST", f"/incidents/{number}/comments", cookie,
                              {"Content-Type": "application/x-www-form-urlencoded"}, data)
        conn.close()
        assert response.status == 302, response.status
        time.sleep(2)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


def phase(port, master, cookies, args, polling, numbers):
    stop_at = time.monotonic() + args.seconds
    loads, polls, threads = [], [], []
    pages = [f"/incidents/{numbers[0]}", "/incidents/", "/", "/tickets/"]
    for i in range(2):
        threads.append(threading.Thread(target=reader, args=(port, cookies[i], pages, stop_at, loads), daemon=True))
    if polling:
        for i in range(args.tabs):
            cookie = cookies[i % len(cookies)]
            share = i % 20
            path = f"/incidents/{numbers[i % len(numbers)]}" if share < 14 else ("/incidents/" if share < 17 else "/")
            url, etag = page_etag(port, path, cookie)
            threads.append(Tab(port, url, etag, cookie, args.interval, stop_at, polls))
        threads.append(threading.Thread(target=writer, args=(port, cookies[0], numbers, stop_at), daemon=True))
    cpu_before, wall_before = cpu_seconds(master), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = (cpu_seconds(master) - cpu_before) / (time.monotonic() - wall_before)
    return cpu, loads, polls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--tabs", type=int, default=200)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", help="an EMPTY database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    if min(args.rows, args.tabs, args.rounds) < 1 or args.interval <= 0 or args.seconds < args.interval:
        parser.error("counts must be positive and --seconds at least --interval")
    app = scratch_app(args.database_url)
    with app.app_context():
        migrate()
        fill_incidents(args.rows)
        url = db.engine.url.render_as_string(hide_password=False)
        kind = db.engine.dialect.name
    env = {"DATABASE_URL": url, "RELAY_ENV": "production", "SECRET_KEY": "bench-only-secret",
           "SESSION_COOKIE_SECURE": "0", "LOGIN_RATE_LIMIT": "1000/minute", "RELAY_INPROCESS_WORKER": "0",
           "LIVE_POLL_SECONDS": str(args.interval), "PYTHONPATH": str(ROOT)}
    port = free_port()
    server = start(str(ROOT), "run:app", env, port, options=("--workers", "2"))  # threads: gunicorn.conf.py
    numbers = list(range(1, 51))
    results = {False: [], True: []}
    try:
        cookies = [sign_in(port, email, password) for email, password in USERS[:3]]
        phase(port, server.pid, cookies, argparse.Namespace(**{**vars(args), "seconds": 5}), False, numbers)
        for number in range(1, args.rounds + 1):
            for polling in (False, True):
                results[polling].append(phase(port, server.pid, cookies, args, polling, numbers))
            print(f"  round {number}/{args.rounds} done", flush=True)
    finally:
        stop(server)
    print(f"\n{args.rows:,} incidents, {kind}, gunicorn 2 workers x 4 threads, {args.tabs} tabs polling every "
          f"{args.interval:g} s, {args.seconds:g} s phases x {args.rounds} rounds (medians over rounds)")
    print(f"{'phase':<18} {'server CPU':>11} {'page loads':>11} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'polls':>7} {'304':>6} {'poll p50':>9} {'poll p99':>9} {'failed':>7}")
    for polling, label in ((False, "without polling"), (True, f"{args.tabs} tabs polling")):
        rows = results[polling]
        cpu = statistics.median(r[0] for r in rows)
        loads = statistics.median(len(r[1]) for r in rows)
        p50 = statistics.median(percentile(r[1], 0.5) for r in rows)
        p99 = statistics.median(percentile(r[1], 0.99) for r in rows)
        polls = [r[2] for r in rows]
        count = statistics.median(len(p) for p in polls)
        not_modified = statistics.median(sum(s == 304 for s, _ in p) / max(len(p), 1) for p in polls)
        poll_p50 = statistics.median(percentile([ms for _, ms in p], 0.5) for p in polls) if polling else 0
        poll_p99 = statistics.median(percentile([ms for _, ms in p], 0.99) for p in polls) if polling else 0
        failed = statistics.median(sum(s not in (200, 304) for s, _ in p) for p in polls)
        print(f"{label:<18} {cpu * 100:10.1f}% {loads:11.0f} {p50:8.1f} {p99:8.1f} "
              f"{count:7.0f} {not_modified * 100:5.0f}% {poll_p50:9.1f} {poll_p99:9.1f} {failed:7.0f}")
    print("(server CPU: percent of one core, master + workers; the machine has "
          f"{os.cpu_count()} cores shared with this load generator)")


if __name__ == "__main__":
    main()
