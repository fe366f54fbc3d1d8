"""No input to the postmortem pages gives a server error: the URL-map fuzz, on an incident in postmortem.

The shared fuzz (test_no_server_errors.py) reaches these routes too, but its incident has no
postmortem, so most of them answer 404 there; here every form is on the page and gets hostile values.
"""
import pytest

from app.models import IncidentStatus, Role
from app.services import incidents, postmortem_actions, postmortems
from tests.functional.test_no_server_errors import HOSTILE, Forms, RecordingRequest, asked, encode, urls


@pytest.fixture
def world(app, db, factory):
    app.request_class = RecordingRequest
    admin = factory.user(Role.ADMIN)
    customer = factory.org("Customer")
    incident = factory.incident(org=customer, status=IncidentStatus.RESOLVED)
    comment = incidents.comment_on_incident(admin, incident.number, "Root cause found")
    incidents.transition_incident(admin, incident.number, "postmortem")
    postmortem_actions.add_action_item(admin, incident.number, title="Add an alert", owner_id=admin.id)
    postmortems.publish_postmortem(admin, incident.number)
    return {"number": {"incidents": incident.number, "tickets": 1}, "comment_id": comment.id,
            "org_id": customer.id, "admin": admin}


def test_postmortem_pages_give_no_server_error(app, client, login_as, world):
    login_as(world["admin"])
    failures, forms = [], {}
    for url in [u for u in urls(app, world, "GET") if u.startswith("/postmortems")]:
        response, names = asked(client, "GET", url)
        assert response.status_code == 200, url
        parser = Forms()
        parser.feed(response.get_data(as_text=True) if response.mimetype == "text/html" else "")
        for action, fields in parser.forms.items():
            forms.setdefault(action or url, fields)
        for name in sorted(names | {"q", "status", "page"}):
            for label, value in HOSTILE.items():
                if client.get(url, query_string=encode({name: value})).status_code >= 500:
                    failures.append(f"GET {url}?{name}=<{label}>")
    posts = [u for u in urls(app, world, "POST") if u.startswith("/postmortems")]
    posts.append(f"/admin/organizations/{world['org_id']}/postmortem-rule")
    assert {f"/postmortems/{world['number']['incidents']}/edit", f"/postmortems/{world['number']['incidents']}/actions"} <= set(forms)
    for url in posts:
        _, names = asked(client, "POST", url, data={})
        baseline = forms.get(url, {})
        for name in sorted(names | set(baseline) | {"required", "key"}):
            for label, value in HOSTILE.items():
                body = encode({**baseline, name: value, "csrf_token": client.csrf_token()})
                reply = client.post(url, data=body.encode(), content_type="application/x-www-form-urlencoded")
                if reply.status_code >= 500:
                    failures.append(f"POST {url} {name}=<{label}>: {reply.status_code}")
    assert not failures, "\n".join(failures)
