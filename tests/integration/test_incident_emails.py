"""Incident emails end to end: web forms -> outbox -> worker -> a real SMTP server -> working links."""
from urllib.parse import urlparse

import pytest

from app.models import Role, Severity
from app.outbox.delivery import deliver_due
from tests.smtp import body_of


@pytest.fixture
def crew(factory):
    """The people around one provider incident, and a manager of a customer who must hear nothing."""
    commander = factory.user(Role.RESPONDER, name="Cora Commander")
    owner = factory.user(Role.RESPONDER, name="Otto Owner")
    return {
        "admin": factory.user(Role.ADMIN, name="Ada Admin"),
        "manager": factory.user(Role.MANAGER, name="Max Manager"),
        "commander": commander,
        "owner": owner,
        "reporter": factory.user(Role.REPORTER, name="Rita Reporter"),
        "responder": factory.user(Role.RESPONDER, name="Res Ponder"),
        "outsider": factory.user(Role.MANAGER, org=factory.org("Acme")),
        "area": factory.product_area("Checkout", owners=[owner]),
    }


def declare(client, crew, severity="sev2"):
    response = client.post("/incidents/new", data={
        "title": "Checkout is down", "severity": severity, "description": "500s on pay",
        "product_area_id": str(crew["area"].id), "commander_id": str(crew["commander"].id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def assert_link_opens(client, login_as, user, message, page_path):
    """The email's link is BASE_URL + the page, and the recipient can open it."""
    link = next(line.split()[-1] for line in body_of(message).splitlines() if "http" in line)
    assert urlparse(link).path == page_path and link.startswith("http://relay.test/")
    assert page_path in body_of(message, "html")
    assert login_as(user).get(page_path).status_code == 200


@pytest.mark.parametrize("config_overrides", [{"BASE_URL": "http://relay.test"}])
def test_declared_mails_admins_managers_commander_and_area_owners(client, login_as, crew, smtp_server):
    page = declare(login_as(crew["reporter"]), crew)
    assert smtp_server.messages == []  # nothing is sent by the request itself
    deliver_due()
    expected = sorted(crew[k].email for k in ("admin", "manager", "commander", "owner"))
    assert smtp_server.recipients() == expected
    [message] = smtp_server.to(crew["owner"].email)
    assert message["Subject"] == "[INC-1] SEV2 declared: Checkout is down"
    assert "Checkout is down" in body_of(message) and "Cora Commander" in body_of(message, "html")
    assert_link_opens(client, login_as, crew["owner"], message, urlparse(page).path)


@pytest.mark.parametrize("config_overrides", [{"BASE_URL": "http://relay.test"}])
def test_assigned_mails_the_assignee_only(client, login_as, crew, smtp_server):
    page = urlparse(declare(login_as(crew["reporter"]), crew)).path
    deliver_due()
    login_as(crew["manager"]).post(f"{page}/assign", data={"assignee_id": str(crew["responder"].id)})
    before = len(smtp_server.messages)
    deliver_due()
    assert smtp_server.recipients().count(crew["responder"].email) == 1 and len(smtp_server.messages) == before + 1
    [message] = smtp_server.to(crew["responder"].email)
    assert message["Subject"] == "[INC-1] Assigned to you: Checkout is down"
    assert_link_opens(client, login_as, crew["responder"], message, page)


def test_status_change_mails_reporter_assignee_and_commander(client, login_as, crew, smtp_server):
    page = urlparse(declare(login_as(crew["reporter"]), crew)).path
    login_as(crew["manager"]).post(f"{page}/assign", data={"assignee_id": str(crew["responder"].id)})
    deliver_due()
    before = {m["Message-ID"] for _, m in smtp_server.messages}
    login_as(crew["responder"]).post(f"{page}/transition", data={"target": "investigating"})
    deliver_due()
    new = [(rcpt, m) for rcpt, m in smtp_server.messages if m["Message-ID"] not in before]
    assert sorted(rcpt for rcpt, _ in new) == sorted([crew["reporter"].email, crew["commander"].email])
    assert all(m["Subject"] == "[INC-1] Detected → Investigating: Checkout is down" for _, m in new)
    assert "from Detected to Investigating" in body_of(new[0][1])


def test_comment_mails_participants_but_never_the_author(client, login_as, crew, smtp_server):
    page = urlparse(declare(login_as(crew["reporter"]), crew)).path
    login_as(crew["manager"]).post(f"{page}/assign", data={"assignee_id": str(crew["responder"].id)})
    login_as(crew["responder"]).post(f"{page}/comments", data={"body": "Rolling back the deploy."})
    deliver_due()
    comment_mail = [(rcpt, m) for rcpt, m in smtp_server.messages if "New comment" in m["Subject"]]
    assert sorted(rcpt for rcpt, _ in comment_mail) == sorted([crew["reporter"].email, crew["commander"].email])
    assert "Rolling back the deploy." in body_of(comment_mail[0][1])
    login_as(crew["reporter"]).post(f"{page}/comments", data={"body": "Thanks!"})
    deliver_due()
    thanks = [rcpt for rcpt, m in smtp_server.messages if "Thanks!" in body_of(m)]
    assert sorted(thanks) == sorted([crew["responder"].email, crew["commander"].email])
    assert crew["reporter"].email not in thanks


def test_turned_off_kinds_are_not_sent_but_sev1_and_assignments_always_are(client, login_as, crew, smtp_server):
    manager = crew["manager"]
    response = login_as(manager).post("/account/notifications", data={"kinds": ["incident.commented"]})
    assert response.status_code == 302
    declare(login_as(crew["reporter"]), crew, severity="sev3")
    deliver_due()
    assert smtp_server.to(manager.email) == []  # turned off
    declare(login_as(crew["reporter"]), crew, severity="sev1")
    deliver_due()
    assert [m["Subject"] for m in smtp_server.to(manager.email)] == ["[INC-2] SEV1 declared: Checkout is down"]
    login_as(crew["admin"]).post("/incidents/1/assign", data={"assignee_id": str(manager.id)})
    deliver_due()
    assert "[INC-1] Assigned to you: Checkout is down" in [m["Subject"] for m in smtp_server.to(manager.email)]


def test_an_address_that_bounces_fails_alone(client, login_as, crew, smtp_server, db):
    smtp_server.reject(crew["admin"].email)
    declare(login_as(crew["reporter"]), crew, severity=Severity.SEV2.value)
    deliver_due()
    assert crew["admin"].email not in smtp_server.recipients() and len(smtp_server.recipients()) == 3
