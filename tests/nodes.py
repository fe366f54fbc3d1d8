"""Real Relay processes on loopback: gunicorn servers and `flask worker`s, and a browser-like client.

Used by tests/integration/test_two_nodes.py and bench/worker_throughput.py.
"""
import http.cookiejar
import os
from pathlib import Path
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def wait_for(condition, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
    return result


class Node:
    """One process with its output in a log file; stop() ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, args, env, log_path):
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True)

    def output(self):
        return self.log_path.read_text(errors="replace")

    def wait_for_line(self, pattern, seconds=180):
        def seen():
            if self.process.poll() is not None:
                raise AssertionError(f"{self.log_path.name} exited:\n{self.output()[-3000:]}")
            return re.search(pattern, self.output())
        return wait_for(seen, seconds, f"{pattern!r} in {self.log_path.name}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_server(env, log_path):
    """gunicorn run:app on an ephemeral loopback port (gunicorn.conf.py, one worker process)."""
    env = {"GUNICORN_BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", **env}
    node = Node([str(BIN / "gunicorn"), "run:app"], env, log_path)
    node.url = "http://" + node.wait_for_line(r"Listening at: http://(127\.0\.0\.1:\d+)").group(1)
    node.wait_for_line(r"Booting worker")
    return node


def start_worker(env, log_path):
    """`flask worker`, returned once it says it started."""
    node = Node([sys.executable, "-m", "flask", "worker"], {"FLASK_APP": "run.py", **env}, log_path)
    node.wait_for_line("worker started")
    return node


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept across requests (to any server on 127.0.0.1), CSRF tokens read from pages."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, url, data=None, headers=None):
        """(status, body bytes) of one request; redirects are not followed."""
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def csrf_token(self, page_url):
        status, body = self.request(page_url)
        assert status == 200, (page_url, status)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()

    def post_form(self, url, fields, page_url=None):
        fields = {"csrf_token": self.csrf_token(page_url or url), **fields}
        data = urllib.parse.urlencode(fields).encode()
        return self.request(url, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, url, field, filename, content, page_url):
        boundary = uuid.uuid4().hex
        token = self.csrf_token(page_url)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
