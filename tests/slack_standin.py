"""A local stand-in for the Slack Web API, over real HTTP on 127.0.0.1.

It implements the methods Relay calls, records every call, and can be told to fail
(ratelimited with 429 + Retry-After, name_taken, channel_not_found, not_in_channel,
invalid_auth, expired_trigger_id, ...) or to answer slowly.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import itertools
import json
import re
import sys
import threading
import time
from urllib.parse import parse_qsl, urlparse

CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # many clients at once (the benchmark) must not wait on the backlog

    def handle_error(self, request, client_address):
        """A client that gave up waiting (a timeout test) is not an error of the stand-in."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Call:
    method: str
    args: dict
    at: float = field(default_factory=time.monotonic)
    error: str | None = None   # what the stand-in answered when it failed the call
    answer: dict | None = None  # the whole answer (a posted message's ts...)


class SlackStandin:
    def __init__(self, token="xoxb-test"):
        self.token = token
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}          # id -> {"name", "members"}
        self.messages: dict[tuple[str, str], dict] = {}
        self.pins: set[tuple[str, str]] = set()
        self.known_channels: set[str] = set()        # channels that exist besides those created
        self.files: dict[str, tuple[str, bytes]] = {}  # id -> (name, content)
        self.delay = 0.0
        self._failures = defaultdict(list)           # method or "*" -> [(error, status, headers)]
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = None

    # -- programming it ------------------------------------------------------------------
    def add_user(self, user_id, email, name="Slack Person"):
        self.users[user_id] = {"id": user_id, "name": name.lower().replace(" ", "."), "real_name": name,
                               "profile": {"email": email, "real_name": name}}

    def add_file(self, file_id, name, content: bytes):
        self.files[file_id] = (name, content)

    def delete_message(self, channel, ts):
        """Someone deleted a message in Slack: it and its pin are gone."""
        self.messages.pop((channel, ts), None)
        self.pins.discard((channel, ts))

    def fail(self, method, error, times=1, status=200, retry_after=None):
        """Make the next *times* calls of *method* ("*" for any) answer *error*."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures[method].extend([(error, status, headers)] * times)

    def ratelimit(self, times, method="*", retry_after=0):
        self.fail(method, "ratelimited", times, status=429, retry_after=retry_after)

    def calls_to(self, method):
        """Arguments of every call to *method*, failed ones included."""
        return [c.args for c in self.calls if c.method == method]

    def succeeded(self, method):
        return [c.args for c in self.calls if c.method == method and c.error is None]

    def posted(self, channel):
        """(ts, arguments) of each message posted to *channel*, in order."""
        return [(c.answer["ts"], c.args) for c in self.calls
                if c.method == "chat.postMessage" and c.error is None and c.args.get("channel") == channel]

    def methods(self):
        return [c.method for c in self.calls]

    # -- serving -------------------------------------------------------------------------
    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._handle(dict(parse_qsl(urlparse(self.path).query)))

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = dict(parse_qsl(raw))
                self._handle(args)

            def _handle(self, args):
                path = urlparse(self.path).path
                status, body, headers = standin.answer(path, args, self.headers.get("Authorization", ""))
                raw = isinstance(body, bytes)
                data = body if raw else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self):
        return f"{self.base}/api/"

    def response_url(self, name="r1"):
        return f"{self.base}/respond/{name}"

    # -- answering -----------------------------------------------------------------------
    def answer(self, path, args, authorization):
        if self.delay:
            time.sleep(self.delay)
        if path.startswith("/respond/"):
            with self._lock:
                self.calls.append(Call("response_url", {**args, "url": path}))
            return 200, {"ok": True}, {}
        if path.startswith("/files/"):
            return self.download(path, authorization)
        method = path.removeprefix("/api/")
        if isinstance(args.get("blocks"), str):
            args["blocks"] = json.loads(args["blocks"])
        call = Call(method, args)
        with self._lock:
            self.calls.append(call)
            queue = self._failures.get(method) or self._failures.get("*")
            failure = queue.pop(0) if queue else None
            status, headers = 200, {}
            if failure:
                error, status, headers = failure
                body = {"ok": False, "error": error}
            elif authorization != f"Bearer {self.token}":
                body = {"ok": False, "error": "invalid_auth"}
            elif not hasattr(self, "api_" + method.replace(".", "_")):
                body = {"ok": False, "error": "unknown_method"}
            else:
                body = getattr(self, "api_" + method.replace(".", "_"))(args)
            call.error, call.answer = body.get("error"), body
        return status, body, headers

    def _ts(self):
        return f"{int(time.time())}.{next(self._ids):06d}"

    def _error(self, error):
        return {"ok": False, "error": error}

    def api_auth_test(self, args):
        return {"ok": True, "user_id": "UBOT", "team": "Stand-in"}

    def api_conversations_create(self, args):
        name = args.get("name", "")
        if not CHANNEL_NAME.match(name):
            return self._error("invalid_name_specials")
        if any(c["name"] == name for c in self.channels.values()):
            return self._error("name_taken")
        channel_id = f"C{next(self._ids):08d}"
        self.channels[channel_id] = {"name": name, "members": {"UBOT"}}
        return {"ok": True, "channel": {"id": channel_id, "name": name}}

    def api_conversations_invite(self, args):
        channel = self.channels.get(args.get("channel"))
        if channel is None:
            return self._error("channel_not_found")
        channel["members"].update(u for u in str(args.get("users", "")).split(",") if u)
        return {"ok": True, "channel": {"id": args["channel"]}}

    def api_conversations_join(self, args):
        self.channels.setdefault(args.get("channel"), {"name": args.get("channel"), "members": set()})
        self.channels[args["channel"]]["members"].add("UBOT")
        return {"ok": True, "channel": {"id": args["channel"]}}

    def api_chat_postMessage(self, args):
        channel, ts = args.get("channel"), self._ts()
        if not (channel in self.channels or channel in self.known_channels or str(channel).startswith("U")):
            return self._error("channel_not_found")
        self.messages[(channel, ts)] = {"text": args.get("text"), "blocks": args.get("blocks"),
                                        "thread_ts": args.get("thread_ts")}
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}

    def api_chat_update(self, args):
        key = (args.get("channel"), args.get("ts"))
        if key not in self.messages:
            return self._error("message_not_found")
        self.messages[key].update(text=args.get("text"), blocks=args.get("blocks"))
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def api_chat_postEphemeral(self, args):
        return {"ok": True, "message_ts": self._ts()}

    def api_pins_add(self, args):
        key = (args.get("channel"), args.get("timestamp"))
        if key not in self.messages:
            return self._error("message_not_found")
        if key in self.pins:
            return self._error("already_pinned")
        self.pins.add(key)
        return {"ok": True}

    def api_pins_remove(self, args):
        key = (args.get("channel"), args.get("timestamp"))
        if key not in self.messages:
            return self._error("message_not_found")
        if key not in self.pins:
            return self._error("no_pin")
        self.pins.discard(key)
        return {"ok": True}

    def api_users_info(self, args):
        user = self.users.get(args.get("user"))
        return {"ok": True, "user": user} if user else self._error("user_not_found")

    def api_users_lookupByEmail(self, args):
        found = next((u for u in self.users.values() if u["profile"]["email"] == args.get("email")), None)
        return {"ok": True, "user": found} if found else self._error("users_not_found")

    def api_views_open(self, args):
        if not args.get("trigger_id"):
            return self._error("invalid_trigger_id")
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return {"ok": True, "view": {**view, "id": f"V{next(self._ids):08d}"}}

    def api_files_info(self, args):
        found = self.files.get(args.get("file"))
        if found is None:
            return self._error("file_not_found")
        name, content = found
        return {"ok": True, "file": {"id": args["file"], "name": name, "size": len(content),
                                     "url_private_download": f"{self.base}/files/{args['file']}/{name}"}}

    def download(self, path, authorization):
        with self._lock:
            self.calls.append(Call("download", {"path": path}))
        found = self.files.get(path.split("/")[2])
        if authorization != f"Bearer {self.token}" or found is None:
            return 404, b"not found", {}
        return 200, found[1], {}
