"""A local stand-in for PagerDuty, over real HTTP on 127.0.0.1.

The Events API v2 (`POST /v2/enqueue`: trigger, acknowledge, resolve, answering 202, 400 for an
unknown routing key, or whatever it is told to fail with), the REST API (`GET /incidents/{id}`,
`GET /incidents?incident_key=`, `GET /users/{id}`, token checked), and a webhook sender that
builds v3 webhook bodies and signs them the way PagerDuty does (`X-PagerDuty-Signature: v1=<hmac>`
for each secret, comma-separated).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import parse_qsl, urlparse


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


@dataclass
class Event:
    body: dict
    status: int
    at: float = field(default_factory=time.monotonic)


class PagerDutyStandin:
    def __init__(self, token="pd-rest-token-0123456789"):
        self.token = token
        self.routing_keys: dict[str, str] = {}    # routing key -> service id
        self.events: list[Event] = []
        self.incidents: dict[str, dict] = {}      # PagerDuty incident id -> incident
        self.users: dict[str, dict] = {}
        self.rest_calls: list[str] = []
        self.delay = 0.0
        self._failures = defaultdict(list)        # "events" | "rest" -> [(status, headers, body)]
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = None

    # -- programming it ------------------------------------------------------------------
    def add_service(self, service_id, routing_key):
        self.routing_keys[routing_key] = service_id

    def add_user(self, user_id, name, email):
        self.users[user_id] = {"id": user_id, "type": "user", "name": name, "email": email,
                               "summary": name, "html_url": f"https://relay-test.pagerduty.com/users/{user_id}"}

    def fail(self, api, status, times=1, retry_after=None, body=None):
        """Make the next *times* calls to *api* ("events" or "rest") answer *status*."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures[api].extend([(status, headers, body or {"status": "error"})] * times)

    def accepted(self, action=None):
        """Bodies of the events answered 202 (of one event_action, if given)."""
        return [e.body for e in self.events if e.status == 202 and (action is None or e.body.get("event_action") == action)]

    def incident_for(self, dedup_key):
        return next((i for i in self.incidents.values() if i["incident_key"] == dedup_key), None)

    # -- serving -------------------------------------------------------------------------
    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._reply(*standin.rest(self.path, self.headers.get("Authorization", "")))

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply(*standin.enqueue(urlparse(self.path).path, raw))

            def _reply(self, status, body, headers):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- the Events API v2 ---------------------------------------------------------------
    def _failure(self, api):
        with self._lock:
            queue = self._failures.get(api)
            return queue.pop(0) if queue else None

    def enqueue(self, path, raw):
        if self.delay:
            time.sleep(self.delay)
        if path != "/v2/enqueue":
            return 404, {"status": "not found"}, {}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"status": "invalid event", "message": "Event object is invalid", "errors": ["not JSON"]}, {}
        failure = self._failure("events")
        if failure:
            status, headers, answer = failure
            with self._lock:
                self.events.append(Event(body, status))
            return status, answer, headers
        with self._lock:
            status, answer = self._apply(body)
            self.events.append(Event(body, status))
        return status, answer, {}

    def _apply(self, body):
        service = self.routing_keys.get(body.get("routing_key"))
        action, key = body.get("event_action"), body.get("dedup_key")
        if service is None or action not in ("trigger", "acknowledge", "resolve") or not key:
            return 400, {"status": "invalid event", "message": "Event object is invalid",
                         "errors": ["Invalid routing key" if service is None else "Invalid event"]}
        incident = self.incident_for(key)
        if action == "trigger" and (incident is None or incident["status"] == "resolved"):
            number = next(self._ids)
            incident = {"id": f"Q{number:06d}", "type": "incident", "number": number, "incident_key": key,
                        "title": body["payload"]["summary"], "status": "triggered", "urgency": "high",
                        "service": {"id": service, "type": "service_reference", "summary": "Service"},
                        "assignments": [], "html_url": f"https://relay-test.pagerduty.com/incidents/Q{number:06d}"}
            self.incidents[incident["id"]] = incident
        elif incident is not None and action in ("acknowledge", "resolve") and incident["status"] != "resolved":
            incident["status"] = {"acknowledge": "acknowledged", "resolve": "resolved"}[action]
        return 202, {"status": "success", "message": "Event processed", "dedup_key": key}

    # -- the REST API --------------------------------------------------------------------
    def rest(self, path, authorization):
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.rest_calls.append(path)
        failure = self._failure("rest")
        if failure:
            return failure[0], failure[2], failure[1]
        if authorization != f"Token token={self.token}":
            return 401, {"error": {"message": "Unauthorized", "code": 2006}}, {}
        parts = urlparse(path)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/incidents":
            found = [i for i in self.incidents.values() if i["incident_key"] == query.get("incident_key")]
            return 200, {"incidents": found, "limit": 25, "offset": 0, "more": False}, {}
        kind, _, object_id = parts.path.strip("/").partition("/")
        table = {"incidents": self.incidents, "users": self.users}.get(kind)
        found = table.get(object_id) if table is not None else None
        if found is None:
            return 404, {"error": {"message": "Not Found", "code": 2100}}, {}
        return 200, {kind[:-1]: found}, {}

    def assign(self, incident_id, user_id):
        user = self.users[user_id]
        self.incidents[incident_id]["assignments"] = [{"assignee": {"id": user_id, "summary": user["name"],
                                                                    "type": "user_reference"}}]


# -- webhooks, signed like PagerDuty's -------------------------------------------------------

def signature(body: bytes, *secrets) -> str:
    return ",".join("v1=" + hmac.new(s.encode(), body, hashlib.sha256).hexdigest() for s in secrets)


def occurred(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def webhook_body(event_type, incident: dict, *, occurred_at=None, agent=None, data=None) -> bytes:
    """A v3 webhook body for *event_type* about *incident* (a stand-in incident or the same shape)."""
    assignees = [{"id": a["assignee"]["id"], "summary": a["assignee"]["summary"], "type": "user_reference"}
                 for a in incident.get("assignments", [])]
    payload = data or {
        "id": incident["id"], "type": "incident", "number": incident.get("number", 1),
        "status": incident.get("status", "triggered"), "title": incident.get("title", "Something broke"),
        "incident_key": incident.get("incident_key"), "html_url": incident.get("html_url"),
        "service": incident["service"], "assignees": assignees, "urgency": incident.get("urgency", "high"),
        "priority": incident.get("priority"),
    }
    event = {"event": {"id": uuid.uuid4().hex[:26].upper(), "event_type": event_type, "resource_type": "incident",
                       "occurred_at": occurred_at or occurred(), "agent": agent, "client": None, "data": payload}}
    return json.dumps(event).encode()


def webhook_headers(body: bytes, secrets, webhook_id=None) -> dict:
    return {"Content-Type": "application/json", "User-Agent": "PagerDuty-Webhook/V3.0",
            "X-Webhook-Id": webhook_id or str(uuid.uuid4()), "X-Webhook-Subscription": "PSUBSCR",
            "X-PagerDuty-Signature": signature(body, *secrets)}


def send_webhook(url, body: bytes, headers: dict, timeout=10):
    """POST a webhook over HTTP like PagerDuty does; returns (status, text)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
