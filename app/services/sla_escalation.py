"""Escalation: what happens when a clock crosses a line, and a manager escalating by hand.

Each warning and breach is announced once per record and target: the timeline entry is the
record of it, written in the same transaction as the record's new state, and checked before
announcing. The breach scan locks the record first, so two workers never both announce.
"""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Incident, Severity, SlaState, Source
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
            raise_severity(record, None, Source.SYSTEM)
        page(record, f"SLA breached: {found.label(next(c for c in found.targets if c.state == SlaState.BREACHED))}"
                     " target", None, Source.SYSTEM)
    elif record.assignee_id is None and policy.escalation_user is not None:
        apply_assignment(None, record, policy.escalation_user, Source.SYSTEM, "ticket")


def raise_severity(incident, actor, source) -> bool:
    """Raise an incident's severity one step (SEV1 stays SEV1); True if it changed."""
    higher = STEP_UP.get(incident.severity)
    if higher is None:
        return False
    old, incident.severity = incident.severity, higher
    incident.updated_at = utcnow()
    audit.record(incident, "edited", actor, source, field="severity", old=shown(old), new=shown(higher))
    emit("incident.edited", incident, actor, source, changes={"severity": (old, higher)})
    return True


def page(incident, reason, actor, source) -> bool:
    """Page on-call about *incident* where its organization has PagerDuty paging set up; False otherwise."""
    return pagerduty.page_incident(incident.id, actor, reason, source, commit=False)


REASON_MAX = 500
# What a manual escalation does besides telling people: (raise the severity, page on-call).
ESCALATION_STEPS = {"raise_and_page": (True, True), "raise": (True, False), "page": (False, True),
                    "notify": (False, False)}


def escalate_incident(actor, number, reason, steps="raise_and_page", *, source=Source.WEB):
    """A manager escalates an open incident by hand, with a reason: severity up a step, a page, and word out.

    Returns (incident, raised, paged). The managers on its policy, its commander and assignee hear
    of it by email, and its Slack channel gets a line.
    """
    incident = load_visible(actor, Incident, number, for_update=True)
    require(actor, Permission.ESCALATE, "Only a manager or above can escalate an incident.")
    if not incident.status.is_open:
        raise InvalidTransition(f"{incident.reference} is {incident.status.label.lower()}; only an open incident "
                                "can be escalated.")
    reason = validation.text(reason, "reason", max_length=REASON_MAX, label="Reason")
    if steps not in ESCALATION_STEPS:
        raise ValidationError({"steps": "Choose what the escalation does."})
    raise_it, page_it = ESCALATION_STEPS[steps]
    raised = raise_it and raise_severity(incident, actor, source)
    paged = page_it and page(incident, f"Escalated by {actor.display_name}: {reason}"[:REASON_MAX], actor, source)
    audit.record(incident, "escalated", actor, source, new=reason)
    emit("incident.escalated_by_hand", incident, actor, source, reason=reason, raised=raised, paged=paged)
    db.session.commit()
    return incident, raised, paged
