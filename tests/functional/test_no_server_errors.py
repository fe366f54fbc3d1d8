"""No input gives a server error: every form and every page's query parameters, with hostile values.

The endpoints come from the URL map and the fields from what each view reads
(the request records every parameter name asked for), so a new form or filter
is covered without touching this file. Runs on SQLite and, with --postgres,
on PostgreSQL (where NUL in text used to be a 500).
"""
from html.parser import HTMLParser
import re
from urllib.parse import urlencode, urlsplit

from flask import Request
import pytest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import AnyConverter

from app.models import Attachment, Delivery, Role
from app.services import sla_policies

HOSTILE = {
    "nul": "a\x00b",
    "control characters": "\x01\x08\x1b[31m\x7f\x1f",
    "line breaks": "one\r\ntwo\rBcc: eve@example.com",
    "100k characters": "x" * 100_000,
    "non-UTF-8 bytes": b"\xff\xfe\xc3(",
    "huge number": "99999999999999999999999999",
    "negative number": "-2147483649",
    "far date": "9999-12-31",
    "ancient date": "0001-01-01",
    "unknown choice": "no-such-choice",
}
# Views that end the session or need a body other than a form; they have tests of their own.
SKIP = {"auth.logout", "static", "bootstrap.static"}
LAST = ("delete", "deactivate")  # destructive endpoints run after the others


class RecordingDict(ImmutableMultiDict):
    """The request's args/form, noting every name a view asks for."""

    asked = set()

    def __contains__(self, key):
        RecordingDict.asked.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        RecordingDict.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        RecordingDict.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        RecordingDict.asked.add(key)
        return super().__getitem__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingDict


class Forms(HTMLParser):
    """The POST forms on a page: action -> the values a browser would submit as they stand."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = self.forms.setdefault(urlsplit(attrs.get("action") or "").path, {})
        elif self.current is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.current.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and (attrs.get("value") or "") and (
                "selected" in attrs or self.select not in self.current):
            self.current[self.select] = attrs["value"]
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.current.setdefault(self.textarea, "")

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


@pytest.fixture
def world(app, db, factory):
    """An admin signed in, and one of everything the URL map can point at."""
    app.request_class = RecordingRequest
    admin = factory.user(Role.ADMIN)
    customer = factory.org("Customer")
    other = factory.user(Role.MANAGER, org=customer)
    factory.product_area(owners=[admin])
    factory.campaign(), factory.issue_type()
    incident = factory.incident(org=customer)
    ticket = factory.ticket(org=customer)
    delivery = Delivery(channel="email", kind="test", recipient="a@example.com",
                        payload={"subject": "s", "text": "t"}, dedup_key="fuzz")
    db.session.add(delivery)
    policy = sla_policies.ensure_default_policy()
    db.session.commit()
    return {"number": {"incidents": incident.number, "tickets": ticket.number}, "user_id": other.id,
            "policy_id": policy.id,
            "option_id": 1, "delivery_id": delivery.id, "attachment_id": 1, "org_id": customer.id, "admin": admin}


def urls(app, world, method):
    """Every URL of the map that answers *method*, its arguments filled with real records."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint in SKIP:
            continue
        kinds = [None]
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                kinds = list(converter.items)
        for kind in kinds:
            values = {}
            for name, converter in rule._converters.items():
                if isinstance(converter, AnyConverter):
                    values[name] = kind
                elif name == "kind":
                    values[name] = "incidents"
                elif name == "number":
                    values[name] = world["number"]["tickets" if rule.rule.startswith("/tickets") else "incidents"]
                else:
                    values[name] = world.get(name, 1)  # an id the fixture does not name: the first row
            found.append(rule.build(values, append_unknown=False)[1])
    return sorted(found, key=lambda url: any(word in url for word in LAST))


def asked(client, method, url, **kwargs):
    RecordingDict.asked = set()
    response = client.open(url, method=method, **kwargs)
    assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    return response, set(RecordingDict.asked) - {"csrf_token"}


def encode(pairs):
    return urlencode(list(pairs.items()))


def test_no_input_gives_a_server_error(app, client, login_as, world):
    login_as(world["admin"])
    failures, forms = [], {}
    for url in urls(app, world, "GET"):
        response, names = asked(client, "GET", url)
        parser = Forms()
        parser.feed(response.get_data(as_text=True) if response.mimetype == "text/html" else "")
        for action, fields in parser.forms.items():
            forms.setdefault(action or url, fields)
        for name in sorted(names):
            for label, value in HOSTILE.items():
                reply = client.get(url, query_string=encode({name: value}), buffered=True)
                if reply.status_code >= 500:
                    failures.append(f"GET {url}?{name}=<{label}>: {reply.status_code}")
    for url in urls(app, world, "POST"):
        _, names = asked(client, "POST", url, data={})
        baseline = forms.get(url, {})
        for name in sorted(names | set(baseline)):
            for label, value in HOSTILE.items():
                body = encode({**baseline, name: value, "csrf_token": client.csrf_token()})
                reply = client.post(url, data=body.encode(), content_type="application/x-www-form-urlencoded",
                                    buffered=True)
                if reply.status_code >= 500:
                    failures.append(f"POST {url} {name}=<{label}>: {reply.status_code}")
    assert client.get("/admin/users").status_code == 200, "the admin was signed out midway"
    assert not failures, "\n".join(failures)
