"""Escalate by hand: the service, the web form and the Slack button and modal, all one rule."""
import json

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Delivery, Role, Severity
from app.services import incidents, sla_policies
from app.services.core.errors import Forbidden, InvalidTransition, ValidationError
from app.services.sla_escalation import escalate_incident
from tests.slack.conftest import deliver_slack, select_value, text_value


@pytest.fixture
def incident(db, people):
    sla_policies.ensure_default_policy(manager=people["mia"])
    db.session.commit()
    return incidents.declare_incident(people["alice"], title="Checkout slow", severity="sev3",
                                      commander_id=people["bob"].id)


def escalations(db, incident):
    return db.session.scalars(select(AuditEvent.new_value).where(
        AuditEvent.subject_type == "incident", AuditEvent.subject_id == incident.id,
        AuditEvent.action == "escalated")).all()


def test_a_manager_escalates_with_a_reason_and_the_commander_hears(db, people, incident, slack_api):
    _, raised, paged = escalate_incident(people["mia"], incident.number, "Customers are leaving", "raise")
    assert raised and not paged and incident.severity == Severity.SEV2
    assert escalations(db, incident) == ["Customers are leaving"]
    mails = db.session.scalars(select(Delivery.recipient).where(Delivery.kind == "sla.breached",
                                                                Delivery.channel == "email")).all()
    assert mails == ["bob@example.com"]  # the manager escalated: she is not told of her own act
    deliver_slack()
    assert any("escalated it (severity raised): Customers are leaving" in call.get("text", "")
               for call in slack_api.calls_to("chat.postMessage"))


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_only_managers_escalate(people, incident, who):
    with pytest.raises(Forbidden):
        escalate_incident(people[who], incident.number, "Please", "notify")


@pytest.mark.parametrize("reason, steps", [("", "notify"), ("   ", "notify"), ("x" * 501, "notify"),
                                           ("a\x00b", "notify"), ("Fine", "everything"), (None, "notify")])
def test_bad_escalations_are_refused_and_change_nothing(db, people, incident, reason, steps):
    with pytest.raises(ValidationError):
        escalate_incident(people["mia"], incident.number, reason, steps)
    db.session.rollback()
    assert incident.severity == Severity.SEV3 and escalations(db, incident) == []


def test_a_closed_incident_is_not_escalated_and_another_orgs_is_not_found(db, factory, people, incident):
    incidents.transition_incident(people["mia"], incident.number, "closed")
    with pytest.raises(InvalidTransition):
        escalate_incident(people["mia"], incident.number, "Too late", "notify")
    stranger = factory.user(Role.MANAGER, org=factory.org("Elsewhere"))
    other = incidents.declare_incident(people["alice"], title="Ours", severity="sev2")
    with pytest.raises(Exception) as error:
        escalate_incident(stranger, other.number, "Mine now", "notify")
    assert type(error.value).__name__ == "NotFound"


def test_the_web_form_is_for_managers_and_keeps_a_refused_reason(db, login_as, people, incident):
    client = login_as(people["bob"])
    assert 'data-testid="escalate"' not in client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert client.post(f"/incidents/{incident.number}/escalate",
                       data={"reason": "Because", "steps": "notify"}).status_code == 403
    client = login_as(people["mia"])
    page = client.post(f"/incidents/{incident.number}/escalate", data={"reason": "", "steps": "raise"})
    assert page.status_code == 200 and "This field is required" in page.get_data(as_text=True)
    done = client.post(f"/incidents/{incident.number}/escalate", data={"reason": "Revenue", "steps": "raise"})
    assert done.status_code == 302
    db.session.refresh(incident)
    assert incident.severity == Severity.SEV2


def test_the_slack_button_opens_the_modal_for_managers_only(slack, slack_api, db, people, incident):
    value = json.dumps({"n": incident.number})
    slack.press("UBOB", "incident.escalate", value)
    assert not slack_api.calls_to("views.open")
    slack.press("UMIA", "incident.escalate", value)
    view = slack_api.calls_to("views.open")[-1]["view"]
    assert view["callback_id"] == "incident.escalate"

    def submit(user, view_id, reason, steps="raise"):
        return slack.interact({"type": "view_submission", "user": {"id": user}, "view": {
            "id": view_id, "callback_id": "incident.escalate", "private_metadata": view["private_metadata"],
            "state": {"values": {"reason": text_value(reason), "steps": select_value(steps)}}}})

    assert "manager" in submit("UBOB", "V1", "Please").json["errors"]["reason"]
    assert "required" in submit("UMIA", "V2", "").json["errors"]["reason"]
    assert "Choose" in submit("UMIA", "V3", "Revenue", "launch-missiles").json["errors"]["steps"]
    assert submit("UMIA", "V4", "Revenue").data == b""
    assert submit("UMIA", "V4", "Revenue").data == b""  # Slack's retry of the same submission does nothing
    db.session.refresh(incident)
    assert incident.severity == Severity.SEV2 and escalations(db, incident) == ["Revenue"]


def test_a_quiet_sev1_prompts_its_commander_once_per_quiet_spell(db, people, slack_api):
    from datetime import datetime

    import time_machine

    from app.services.sla_scan import update_cadence

    with time_machine.travel(datetime(2026, 11, 30, 9, 0), tick=False) as clock:
        sla_policies.ensure_default_policy(manager=people["mia"])
        db.session.commit()
        incident = incidents.declare_incident(people["alice"], title="Down", severity="sev1",
                                              commander_id=people["bob"].id)
        clock.move_to(datetime(2026, 11, 30, 9, 20))
        assert update_cadence() == 0                      # SEV1: an update every 30 minutes
        clock.move_to(datetime(2026, 11, 30, 9, 31))
        update_cadence(), update_cadence()
        incidents.comment_on_incident(people["bob"], incident.number, "Rolling back")
        clock.move_to(datetime(2026, 11, 30, 10, 5))
        update_cadence()
    prompts = db.session.scalars(select(Delivery).where(Delivery.kind == "incident.update_due")
                                 .order_by(Delivery.id)).all()
    assert len(prompts) == 2                              # one per quiet spell, however many rounds
    assert "no update for 30 minutes" in prompts[0].payload["text"]
    assert prompts[0].payload["channel_ref"] == ["incident", incident.id, "channel"]
