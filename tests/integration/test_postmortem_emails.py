"""Publishing a postmortem mails the incident's participants and action item owners, over real SMTP."""
from urllib.parse import urlparse

import pytest

from app.models import IncidentStatus, NotificationOptOut, Role
from app.outbox.delivery import deliver_due
from app.services import incidents, postmortem_actions, postmortems
from tests.smtp import body_of


@pytest.mark.parametrize("config_overrides", [{"BASE_URL": "http://relay.test"}])
def test_publishing_mails_participants_and_owners(client, login_as, factory, db, smtp_server):
    acme = factory.org("Acme")
    writer = factory.user(Role.MANAGER, name="Wanda Writer")
    owner = factory.user(Role.RESPONDER, name="Oscar Owner")
    commenter = factory.user(Role.RESPONDER, name="Cole Commenter")
    quiet = factory.user(Role.RESPONDER, name="Quinn Quiet")
    customer = factory.user(Role.REPORTER, org=acme, name="Carl Customer")
    bystander = factory.user(Role.RESPONDER, name="Not Involved")
    incident = factory.incident(reporter=customer, status=IncidentStatus.RESOLVED, title="Checkout <b>down</b>")
    incidents.comment_on_incident(commenter, incident.number, "Found the bad deploy")
    incidents.comment_on_incident(quiet, incident.number, "Me too")
    db.session.add(NotificationOptOut(user_id=quiet.id, kind="postmortem.published"))
    db.session.commit()
    incidents.transition_incident(writer, incident.number, "postmortem")
    postmortem_actions.add_action_item(writer, incident.number, title="Canary deploys", owner_id=owner.id,
                                       due_on="2026-12-15")
    deliver_due()
    smtp_server.handler.messages.clear()

    postmortems.publish_postmortem(writer, incident.number)
    assert smtp_server.messages == []   # nothing is sent by the change itself
    deliver_due()
    assert smtp_server.recipients() == sorted([owner.email, commenter.email, customer.email])
    assert bystander.email not in smtp_server.recipients() and writer.email not in smtp_server.recipients()
    [message] = smtp_server.to(owner.email)
    assert message["Subject"] == f"[{incident.reference}] Postmortem published: Checkout <b>down</b>"
    assert "You own 1 of its action items" in body_of(message) and "(due 2026-12-15)" in body_of(message)
    assert "Checkout &lt;b&gt;down&lt;/b&gt;" in body_of(message, "html")
    [to_customer] = smtp_server.to(customer.email)
    assert "You own" not in body_of(to_customer)
    link = next(line.split()[-1] for line in body_of(to_customer).splitlines() if "http" in line)
    assert urlparse(link).path == f"/postmortems/{incident.number}" and link.startswith("http://relay.test/")
    assert login_as(customer).get(urlparse(link).path).status_code == 200
