"""Escalation: what happens when a clock crosses a line, and a manager escalating an incident or ticket by hand.

Each warning and breach is announced once per record and target: the timeline entry is the
record of it, written in the same transaction as the record's new state, and checked before
announcing. The breach scan locks the record first, so two workers never both announce.
"""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Incident, Priority, Severity, SlaState, Source, Ticket
from app.models.base import utcnow
from app.services import audit, pagerduty
from app.services.core import validation
from app.services.core.errors import InvalidTransition, ValidationError
from app.services.core.permissions import Permission, load_visible, require
from app.services.core.events import emit
from app.services.core.records import apply_assignment, shown
from app.services.sla import Clocks, clocks, kind_of, store

ANNOUNCED = {SlaState.AT_RISK: "sla_at_risk", SlaState.BREACHED: "sla_breached"}
STEP_UP = {Severity.SEV4: Severity.SEV3, Severity.SEV3: Severity.SEV2, Severity.SEV2: Severity.SEV1}
PRIORITY_UP = {Priority.LOW: Priority.MEDIUM, Priority.MEDIUM: Priority.HIGH, Priority.HIGH: Priority.CRITICAL}


def refresh(record, now=None) -> Clocks | None:
    """Recompute *record*'s clocks, store the answer, and announce what newly crossed a line; never commits."""
    if db.session.info.get("sla_refreshing"):
        return None  # a change made by an escalation below: its caller stores the final state
    db.session.info["sla_refreshing"] = True
    try:
        found = clocks(record, now)
        store(record, found)
        if found is not None and announce(record, found):
            found = clocks(record, now)  # an escalation may have changed the severity or assignee
            store(record, found)
        return found
    finally:
        db.session.info["sla_refreshing"] = False


def announced(record) -> set[tuple[str, str]]:
    """(action, target) pairs already on the record's timeline."""
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.field).where(
        AuditEvent.subject_type == kind_of(record), AuditEvent.subject_id == record.id,
        AuditEvent.action.in_(ANNOUNCED.values()))).all()
    return {(action, field) for action, field in rows}


def announce(record, found: Clocks) -> bool:
    """Put each newly at-risk or breached target on the timeline and emit its event; True if any was."""
    crossed = [(c, ANNOUNCED[c.state]) for c in found.targets
               if c.state in ANNOUNCED and (c.state == SlaState.BREACHED or c.running)]
    if not crossed:
        return False
    done = announced(record)
    news = [(c, action) for c, action in crossed if (action, c.name) not in done
            # a worker that was down past both lines reports only the breach
            and not (action == "sla_at_risk" and ("sla_breached", c.name) in done)]
    for clock, action in news:
        label = found.label(clock)
        audit.record(record, action, None, Source.SYSTEM, field=clock.name,
                     new=f"{label} target {'breached' if action == 'sla_breached' else 'at risk'}")
        emit(f"{kind_of(record)}.{action}", record, None, Source.SYSTEM, target=clock.name, label=label,
             clock=clock, policy=found.policy)
        if action == "sla_breached":
            escalate_breach(record, found)
    return bool(news)


def escalate_breach(record, found: Clocks):
    """A breach's own escalation: a severity step up (policy switch) and a page; unassigned tickets go to someone."""
    policy = found.policy
    if isinstance(record, Incident):
        if policy.raise_severity_on_breach:
            raise_level(record, None, Source.SYSTEM)
        page(record, f"SLA breached: {found.label(next(c for c in found.targets if c.state == SlaState.BREACHED))}"
                     " target", None, Source.SYSTEM)
    elif record.assignee_id is None and policy.escalation_user is not None:
        apply_assignment(None, record, policy.escalation_user, Source.SYSTEM, "ticket")


def raise_level(record, actor, source) -> bool:
    """Raise an incident's severity or a ticket's priority one step (SEV1 and critical stay); True if it changed."""
    field, steps = ("severity", STEP_UP) if isinstance(record, Incident) else ("priority", PRIORITY_UP)
    old = getattr(record, field)
    higher = steps.get(old)
    if higher is None:
        return False
    setattr(record, field, higher)
    record.updated_at = utcnow()
    audit.record(record, "edited", actor, source, field=field, old=shown(old), new=shown(higher))
    emit(f"{kind_of(record)}.edited", record, actor, source, changes={field: (old, higher)})
    return True


def page(record, reason, actor, source) -> bool:
    """Page on-call about *record* where its organization has PagerDuty paging set up; False otherwise."""
    if isinstance(record, Incident):
        return pagerduty.page_incident(record.id, actor, reason, source, commit=False)
    return pagerduty.page_ticket(record, actor, reason, source)


REASON_MAX = 500
# What a manual escalation does besides telling people: (raise the severity or priority, page on-call).
ESCALATION_STEPS = {"raise_and_page": (True, True), "raise": (True, False), "page": (False, True),
                    "notify": (False, False)}
MODELS = {"incident": Incident, "ticket": Ticket}


def escalate(actor, kind, number, reason, steps="raise_and_page", *, source=Source.WEB):
    """A manager escalates an open incident or ticket by hand, with a reason: a step up, a page, and word out.

    Returns (record, raised, paged). Who hears of it (the policy's managers, a ticket's escalation
    person, the commander, the assignee) is the notifiers' business (event `<kind>.escalated_by_hand`).
    """
    record = load_visible(actor, MODELS[kind], number, for_update=True)
    require(actor, Permission.ESCALATE, f"Only a manager or above can escalate {'an' if kind == 'incident' else 'a'} "
                                        f"{kind}.")
    if not record.status.is_open:
        raise InvalidTransition(f"{record.reference} is {record.status.label.lower()}; only an open {kind} "
                                "can be escalated.")
    reason = validation.text(reason, "reason", max_length=REASON_MAX, label="Reason")
    if not isinstance(steps, str) or steps not in ESCALATION_STEPS:
        raise ValidationError({"steps": "Choose what the escalation does."})
    raise_it, page_it = ESCALATION_STEPS[steps]
    raised = raise_it and raise_level(record, actor, source)
    paged = page_it and page(record, f"Escalated by {actor.display_name}: {reason}"[:REASON_MAX], actor, source)
    audit.record(record, "escalated", actor, source, new=reason)
    emit(f"{kind}.escalated_by_hand", record, actor, source, reason=reason, raised=raised, paged=paged)
    db.session.commit()
    return record, raised, paged


def escalate_incident(actor, number, reason, steps="raise_and_page", *, source=Source.WEB):
    """Escalate an incident by hand: severity up a step and a page (see escalate)."""
    return escalate(actor, "incident", number, reason, steps, source=source)


def escalate_ticket(actor, number, reason, steps="raise_and_page", *, source=Source.WEB):
    """Escalate a ticket by hand: priority up a step and a page (see escalate)."""
    return escalate(actor, "ticket", number, reason, steps, source=source)
