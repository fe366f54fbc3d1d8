"""Test helpers that are not fixtures."""
import hashlib
import os
import re

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from jinja2 import BytecodeCache


class RelayClient(FlaskClient):
    """A test client that fills in a valid CSRF token, like a browser that loaded the form.

    Pass `csrf_token=None` in data to send no token, or any string to send a forged one.
    """

    def open(self, *args, **kwargs):
        data = kwargs.get("data")
        method = kwargs.get("method", "GET").upper()
        if method == "POST" and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            if "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
            elif data["csrf_token"] is None:
                del data["csrf_token"]
            kwargs["data"] = data
        return super().open(*args, **kwargs)

    def csrf_token(self):
        raw = getattr(self, "_raw_csrf", None)
        if raw is None:
            raw = hashlib.sha1(os.urandom(64)).hexdigest()
            with self.session_transaction() as session:
                session["csrf_token"] = raw
            self._raw_csrf = raw
        signer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return signer.dumps(raw)


class Browser(RelayClient):
    """A client whose every request gets an app context of its own, as under a real server.

    (The test's own app context would otherwise carry one browser's signed-in user into the next.)
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def flashes(response):
    """The flash messages shown on a rendered page."""
    return [m.strip() for m in re.findall(r'role="alert">\s*(.*?)\s*<button', response.get_data(as_text=True), re.S)]


def field_errors(response):
    """The error messages shown at form fields on a rendered page."""
    return [m.strip() for m in re.findall(r'<div class="invalid-feedback[^"]*">\s*(.*?)\s*</div>',
                                          response.get_data(as_text=True), re.S)]


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the whole test run."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()
