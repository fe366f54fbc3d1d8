"""Benchmark: declaring incidents through the web form, with mail slowed to 2 s a message vs mail off.

    python bench/notify_web.py [--requests 200] [--clients 4] [--delay 2] [--database-url URL]

Starts `flask run` (development, no reloader) on a scratch database twice:
once with the outbox worker running inside it and sending to a local SMTP
server that takes --delay seconds per message, once with the worker and mail
off. Each run posts the "Declare incident" form --requests times from --clients
signed-in clients and reports requests per second. The request only writes
outbox rows, so the two figures should be nearly equal.
"""
import argparse
import http.cookiejar
import os
from pathlib import Path
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.smtp import SMTPServer  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    post(opener, f"{base}/auth/login", {"email": "support@example.com", "password": "support123", "csrf_token": token})
    page = opener.open(f"{base}/incidents/new").read().decode()
    return opener, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def post(opener, url, data):
    try:
        return opener.open(url, urllib.parse.urlencode(data).encode()).status
    except urllib.error.HTTPError as error:  # 302 arrives here because redirects are not followed
        return error.code


def serve(env, port):
    process = subprocess.Popen([sys.executable, "-m", "flask", "run", "--no-reload", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(process.stderr.read())


def run(label, env, port, requests, clients):
    process = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        sessions = [client(base) for _ in range(clients)]
        statuses = []

        def work(opener, token, count):
            for n in range(count):
                statuses.append(post(opener, f"{base}/incidents/new",
                                     {"title": f"Bench incident {n}", "severity": "sev2", "csrf_token": token}))

        threads = [threading.Thread(target=work, args=(*s, requests // clients)) for s in sessions]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)
    ok = sum(1 for s in statuses if s == 302)
    print(f"{label:<40} {ok:>5} incidents in {elapsed:6.2f} s = {ok / elapsed:7.1f} req/s")
    return ok / elapsed


def prepare(database_url):
    env = dict(os.environ, FLASK_APP="run.py", RELAY_ENV="development", DATABASE_URL=database_url,
               LOGIN_RATE_LIMIT="1000 per minute", WORKER_POLL_SECONDS="0.2")
    env.pop("MAIL_SERVER", None)
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--delay", type=float, default=2.0, help="seconds the SMTP server takes per message")
    parser.add_argument("--rounds", type=int, default=3, help="alternate the two set-ups this many times")
    parser.add_argument("--database-url", help="an EMPTY database (default: a scratch SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(args.database_url or f"sqlite:///{tmp}/bench.db")
        smtp = SMTPServer().start()
        smtp.slow_down(args.delay)
        slow = dict(env, MAIL_SERVER=smtp.host, MAIL_PORT=str(smtp.port), RELAY_INPROCESS_WORKER="1")
        off = dict(env, RELAY_INPROCESS_WORKER="0")
        print(f"{args.requests} form posts from {args.clients} clients, flask run (development server)")
        with_mail, without = [], []
        for _ in range(args.rounds):
            with_mail.append(run(f"worker on, SMTP {args.delay:g} s/message", slow, 5081, args.requests, args.clients))
            without.append(run("mail off (no worker)", off, 5082, args.requests, args.clients))
        print(f"(the slow SMTP server received {len(smtp.messages)} message(s) meanwhile)")
        best_on, best_off = statistics.median(with_mail), statistics.median(without)
        print(f"median: worker on {best_on:.1f} req/s, mail off {best_off:.1f} req/s, ratio {best_on / best_off:.2f}")
        smtp.stop()


if __name__ == "__main__":
    main()
