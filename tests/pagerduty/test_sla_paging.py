"""A breached incident pages PagerDuty once, through the real outbox and the PagerDuty stand-in."""
from datetime import datetime

import time_machine

from app.models import Delivery
from app.services import incidents, sla_policies
from app.services.sla_scan import scan
from tests.pagerduty.conftest import PROVIDER_KEY, deliver_slack


def test_a_breach_pages_on_call_once_and_the_slack_dm_goes_out(db, pd_api, slack_api, world):
    with time_machine.travel(datetime(2026, 11, 30, 9, 0), tick=False) as clock:
        sla_policies.ensure_default_policy(manager=world["admin"])
        db.session.commit()
        incident = incidents.declare_incident(world["carl"], title="Checkout down", severity="sev1")
        clock.move_to(datetime(2026, 11, 30, 9, 20))   # acknowledge was due at 09:15
        assert scan() == 1 and scan() == 0
    deliver_slack()
    (event,) = pd_api.accepted("trigger")
    assert event["routing_key"] == PROVIDER_KEY and event["dedup_key"] == incident.reference
    assert event["payload"]["custom_details"]["reason"] == "SLA breached: Acknowledge target"
    dms = [d for d in db.session.scalars(db.select(Delivery).where(Delivery.kind == "sla.breached"))
           if d.channel == "slack"]
    assert [d.recipient for d in dms] == ["ada@example.com"]
