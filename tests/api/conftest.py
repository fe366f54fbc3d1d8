"""API fixtures: tokens made through the service, and a client that sends them."""
import pytest
from flask.testing import FlaskClient

from app.services import api_tokens


class ApiClient:
    """The test client with `Authorization: Bearer <token>` on every request."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def open(self, url, method, headers=None, **kwargs):
        # FlaskClient's own open: the API takes no CSRF token, so none is filled in.
        return FlaskClient.open(self.client, url, method=method, headers=self._headers(headers), **kwargs)

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url, headers=None, **kwargs):
        return self.open(url, "GET", headers=headers, **kwargs)

    def delete(self, url, headers=None, **kwargs):
        return self.open(url, "DELETE", headers=headers, **kwargs)

    def post(self, url, json=None, headers=None, **kwargs):
        return self.open(url, "POST", json=json, headers=headers, **kwargs)

    def patch(self, url, json=None, headers=None, **kwargs):
        return self.open(url, "PATCH", json=json, headers=headers, **kwargs)

    def put(self, url, json=None, headers=None, **kwargs):
        return self.open(url, "PUT", json=json, headers=headers, **kwargs)


@pytest.fixture
def token_for(app):
    """token_for(user, scope="write") -> the token text of a new personal token."""

    def make(user, scope="write", expires_in_days=None):
        return api_tokens.create_personal_token(user, name="test", scope=scope,
                                                expires_in_days=expires_in_days)[1]

    return make


@pytest.fixture
def api_as(client, token_for):
    """api_as(user, scope="write") -> an ApiClient acting as *user*."""

    def make(user, scope="write"):
        return ApiClient(client, token_for(user, scope))

    return make
