"""SLA clocks on real records, with a frozen clock moved by hand (no sleeping).

The clock is read from each record's timeline, kept on the record by every service change,
and moved on by the breach scan; the default policy is office hours (09:00-17:00, Monday to
Friday, UTC here) except SEV1 and SEV2, which run around the clock.
"""
from datetime import datetime
import threading

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db as _db
from app.models import AuditEvent, Delivery, Role, Severity, SlaState, TicketStatus
from app.services import incidents, sla_policies, tickets
from app.services.sla import clocks
from app.services.sla_scan import scan

MONDAY_9 = datetime(2026, 11, 30, 9, 0)


def at(text):
    return datetime.fromisoformat(text)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(db, factory):
    org = factory.provider()
    manager = factory.user(Role.MANAGER, org=org)
    policy = sla_policies.ensure_default_policy(manager=manager)
    db.session.commit()
    return dict(policy=policy, manager=manager, staff=factory.user(Role.RESPONDER, org=org),
                reporter=factory.user(Role.REPORTER, org=org), admin=factory.user(Role.ADMIN, org=org))


def sla_events(kind, record_id):
    """The SLA announcements on one record's timeline: [(action, target)]."""
    return [tuple(row) for row in _db.session.execute(select(AuditEvent.action, AuditEvent.field).where(
        AuditEvent.subject_type == kind, AuditEvent.subject_id == record_id, AuditEvent.action.like("sla_%"))
        .order_by(AuditEvent.id))]


def test_a_new_ticket_gets_its_deadline_in_office_hours(clock, people):
    ticket = tickets.create_ticket(people["reporter"], title="Printer on fire", priority="high")
    # High: first response in 4 business hours, resolve in 2 business days.
    assert ticket.sla_state == SlaState.ON_TRACK
    assert ticket.sla_due_at == at("2026-11-30 13:00")
    assert ticket.sla_check_at == at("2026-11-30 12:00")  # the 75% warning


def test_waiting_on_customer_pauses_and_the_reporters_answer_resumes(clock, people):
    ticket = tickets.create_ticket(people["reporter"], title="Export fails", priority="high")
    clock.move_to(at("2026-11-30 10:00"))
    tickets.assign_to_me(people["staff"], ticket.number)              # first response after 1 h
    clock.move_to(at("2026-11-30 11:00"))
    tickets.transition_ticket(people["staff"], ticket.number, "waiting_on_customer")
    assert ticket.sla_state == SlaState.ON_TRACK and ticket.sla_due_at is None and ticket.sla_check_at is None
    clock.move_to(at("2026-12-03 15:00"))                              # days later: nothing counted
    assert clocks(ticket).targets[1].used_seconds == 2 * 3600
    tickets.comment_on_ticket(people["reporter"], ticket.number, "Here is the file you asked for.")
    assert ticket.status == TicketStatus.IN_PROGRESS
    resolve = clocks(ticket).targets[1]
    assert resolve.running and resolve.used_seconds == 2 * 3600
    # 16 business hours in all: 2 used, 2 left on Thursday, 8 on Friday, 4 on Monday.
    assert ticket.sla_due_at == at("2026-12-07 13:00")


def test_staff_comments_do_not_end_waiting(clock, people):
    ticket = tickets.create_ticket(people["reporter"], title="Export fails")
    tickets.transition_ticket(people["staff"], ticket.number, "waiting_on_customer")
    tickets.comment_on_ticket(people["staff"], ticket.number, "Any news?")
    assert ticket.status == TicketStatus.WAITING


def test_reopen_after_resolve_resumes_with_the_time_already_used(clock, people):
    ticket = tickets.create_ticket(people["reporter"], title="Login loop", priority="critical")
    clock.move_to(at("2026-11-30 09:30"))
    tickets.assign_to_me(people["staff"], ticket.number)
    clock.move_to(at("2026-11-30 12:00"))
    tickets.resolve_ticket(people["staff"], ticket.number, "Cleared the cookie.")
    assert ticket.sla_state == SlaState.MET and ticket.sla_check_at is None
    clock.move_to(at("2026-12-01 09:00"))
    tickets.reopen_ticket(people["staff"], ticket.number)
    # Critical: resolve in 8 business hours; 3 used on Monday, 5 left from Tuesday 09:00.
    assert ticket.sla_state == SlaState.ON_TRACK
    assert ticket.sla_due_at == at("2026-12-01 14:00")
    assert clocks(ticket).targets[1].used_seconds == 3 * 3600


def test_the_first_response_is_the_first_staff_action(clock, people):
    ticket = tickets.create_ticket(people["reporter"], title="Question", priority="medium")
    tickets.comment_on_ticket(people["reporter"], ticket.number, "Also this.")
    assert clocks(ticket).targets[0].done is False
    clock.move_to(at("2026-11-30 10:00"))
    tickets.comment_on_ticket(people["staff"], ticket.number, "Looking.")
    respond = clocks(ticket).targets[0]
    assert respond.done and respond.state == SlaState.MET and respond.used_seconds == 3600


def test_sev1_runs_around_the_clock_and_sev4_in_office_hours(clock, people):
    clock.move_to(at("2026-11-28 22:00"))  # Saturday night
    sev1 = incidents.declare_incident(people["reporter"], title="Down", severity="sev1")
    sev4 = incidents.declare_incident(people["reporter"], title="Typo", severity="sev4")
    assert sev1.sla_due_at == at("2026-11-28 22:15")                 # acknowledge in 15 minutes, now
    assert sev4.sla_due_at == at("2026-11-30 17:00")                 # one business day, from Monday


def test_acknowledging_stops_the_acknowledge_clock(clock, people):
    incident = incidents.declare_incident(people["reporter"], title="Slow", severity="sev2")
    clock.move_to(at("2026-11-30 09:10"))
    incidents.transition_incident(people["staff"], incident.number, "investigating")
    ack, resolve = clocks(incident).targets
    assert ack.done and ack.state == SlaState.MET
    assert incident.sla_due_at == at("2026-11-30 17:00")             # resolve in 8 hours, 24x7


def test_a_policy_edit_recounts_open_records_and_leaves_finished_ones(clock, people, db):
    open_one = tickets.create_ticket(people["reporter"], title="Still open", priority="low")
    done = tickets.create_ticket(people["reporter"], title="Done", priority="low")
    tickets.assign_to_me(people["staff"], done.number)
    tickets.resolve_ticket(people["staff"], done.number, "Done.")
    assert done.sla_state == SlaState.MET
    policy = people["policy"]
    low = policy.target_for("ticket", "low")
    values = {"name": policy.name, "timezone": "UTC", "warn_percent": "75", "holidays": "",
              **{f"opens_{d}": "09:00" for d in range(5)}, **{f"closes_{d}": "17:00" for d in range(5)},
              **{f"t{t.id}_respond_minutes": t.respond_minutes for t in policy.targets},
              **{f"t{t.id}_resolve_minutes": t.resolve_minutes for t in policy.targets},
              f"t{low.id}_respond_minutes": "1"}
    clock.move_to(at("2026-11-30 09:05"))
    assert sla_policies.update_policy(people["admin"], policy.id, values) == 1
    db.session.refresh(open_one)
    db.session.refresh(done)
    assert open_one.sla_state == SlaState.BREACHED                  # a minute allowed, five used
    assert done.sla_state == SlaState.MET                           # finished records keep their state


def test_the_scan_warns_then_breaches_once_each(clock, people, db):
    ticket = tickets.create_ticket(people["reporter"], title="Checkout broken", priority="critical")
    tickets.reassign_ticket(people["manager"], ticket.number, people["staff"].id)
    # Critical: first response (the assignment) at once; resolve in 8 business hours, warning at 6.
    assert scan() == 0
    updated = ticket.updated_at
    clock.move_to(at("2026-11-30 15:00"))
    assert scan() == 1 and scan() == 0
    db.session.refresh(ticket)
    assert ticket.sla_state == SlaState.AT_RISK
    assert ticket.updated_at == updated  # a clock ticking is not an update to the ticket
    assert sla_events("ticket", ticket.id) == [("sla_at_risk", "resolve")]
    clock.move_to(at("2026-11-30 17:00"))
    assert scan() == 1 and scan() == 0
    db.session.refresh(ticket)
    assert ticket.sla_state == SlaState.BREACHED and ticket.sla_check_at is None
    assert sla_events("ticket", ticket.id) == [("sla_at_risk", "resolve"), ("sla_breached", "resolve")]
    mails = db.session.scalars(select(Delivery).where(Delivery.kind.like("sla.%")).order_by(Delivery.id)).all()
    assert [(d.kind, d.recipient) for d in mails] == [
        ("sla.at_risk", people["staff"].email),
        ("sla.breached", people["manager"].email), ("sla.breached", people["staff"].email)]


def test_two_workers_scanning_at_once_announce_each_breach_once(app, clock, people, db):
    numbers = [tickets.create_ticket(people["reporter"], title=f"Broken {n}", priority="critical").id
               for n in range(20)]
    clock.move_to(at("2026-11-30 10:30"))   # every first response was due at 10:00
    barrier, handled = threading.Barrier(2), []

    def worker():
        with app.app_context():
            barrier.wait()
            handled.append(scan())
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handled.append(scan())  # SQLite lets one writer through at a time: what the other skipped is done now
    for ticket_id in numbers:
        assert sla_events("ticket", ticket_id) == [("sla_breached", "respond")]
    mails = db.session.scalars(select(Delivery.dedup_key).where(Delivery.kind == "sla.breached")).all()
    assert len(mails) == len(set(mails)) == 20


def test_a_worker_down_for_an_hour_reports_only_the_breach_once(clock, people, db):
    incident = incidents.declare_incident(people["reporter"], title="Outage", severity="sev1")
    clock.move_to(at("2026-11-30 10:00"))   # acknowledge was due at 09:15: warned at 09:11, breached since
    assert scan() == 1 and scan() == 0
    assert sla_events("incident", incident.id) == [("sla_breached", "respond")]


def test_a_breach_raises_the_severity_when_the_policy_says_so(clock, people, db):
    people["policy"].raise_severity_on_breach = True
    db.session.commit()
    incident = incidents.declare_incident(people["reporter"], title="Slow search", severity="sev3")
    clock.move_to(at("2026-11-30 13:00"))   # SEV3: acknowledge in 4 business hours
    scan()
    db.session.refresh(incident)
    assert incident.severity == Severity.SEV2
    edits = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == incident.id,
                                                        AuditEvent.subject_type == "incident",
                                                        AuditEvent.field == "severity")).all()
    assert [(e.old_value, e.new_value, e.actor_id) for e in edits] == [("SEV3", "SEV2", None)]


def test_an_unassigned_ticket_goes_to_the_escalation_person_on_breach(clock, people, db):
    people["policy"].escalation_user_id = people["staff"].id
    db.session.commit()
    ticket = tickets.create_ticket(people["reporter"], title="Nobody looked", priority="critical")
    clock.move_to(at("2026-11-30 10:30"))   # first response was due at 10:00
    scan()
    db.session.refresh(ticket)
    assert ticket.assignee_id == people["staff"].id
    assert ("sla_breached", "respond") in sla_events("ticket", ticket.id)


def test_no_policy_means_no_sla(clock, db, factory):
    reporter = factory.user(Role.REPORTER)
    ticket = tickets.create_ticket(reporter, title="Anything")
    assert ticket.sla_state is None and ticket.sla_due_at is None and clocks(ticket) is None
