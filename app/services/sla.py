"""SLAs: which policy and targets a record has, its clocks, and keeping its stored state current.

The clocks are computed from the record's status history on the audit timeline (sla_clock.py
does the arithmetic), so a recomputation always gives the same answer. The clocks are stored
inside every service change and refreshed by the worker's breach scan (services/sla_scan.py).
"""
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Incident, IncidentStatus, Role, SlaPolicy, SlaState, Ticket, TicketStatus, User
from app.models.base import utcnow
from app.services.core.errors import ValidationError
from app.services.sla_clock import Calendar, TargetClock, intervals_in, measure, overall, parse_hours

RUNNING = {
    "incident": {"respond": {IncidentStatus.DETECTED},
                 "resolve": {IncidentStatus.DETECTED, IncidentStatus.INVESTIGATING, IncidentStatus.MITIGATED}},
    "ticket": {"resolve": {TicketStatus.OPEN, TicketStatus.IN_PROGRESS}},
}
DONE = {
    "incident": {IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM, IncidentStatus.CLOSED},
    "ticket": {TicketStatus.RESOLVED, TicketStatus.CLOSED},
}
TARGET_LABELS = {("incident", "respond"): "Acknowledge", ("incident", "resolve"): "Resolve",
                 ("ticket", "respond"): "First response", ("ticket", "resolve"): "Resolve"}
# A first response on a ticket: a staff member other than the reporter commenting, assigning or moving it.
RESPONSES = {"commented", "assigned", "status_changed"}


def kind_of(record) -> str:
    return "incident" if isinstance(record, Incident) else "ticket"


def level_of(record) -> str:
    return record.severity.value if isinstance(record, Incident) else record.priority.value


def policy_for(org_id: int) -> SlaPolicy | None:
    """The organization's own policy, else the provider's default (None if there is neither).

    Remembered for the session (a request, or one worker round), so a scan over many records of
    one organization reads its policy once; forget_policies() after creating one.
    """
    known = db.session.info.setdefault("sla_policies", {})
    if org_id not in known:
        policies = db.session.scalars(select(SlaPolicy).where((SlaPolicy.org_id == org_id) | SlaPolicy.org_id.is_(None))
                                      .order_by(SlaPolicy.org_id.is_(None))).all()
        known[org_id] = policies[0] if policies else None
    return known[org_id]


def forget_policies():
    db.session.info.pop("sla_policies", None)


def calendar_of(policy: SlaPolicy, around_the_clock: bool) -> Calendar:
    return Calendar(zone=ZoneInfo(policy.timezone), hours=parse_hours(policy.working_hours),
                    holidays=frozenset(_days(policy.holidays)), around_the_clock=around_the_clock)


def _days(values):
    return [date.fromisoformat(value) for value in values or []]


@dataclass
class Clocks:
    """A record's SLA at one moment: its policy, target row and one TargetClock per target."""

    policy: SlaPolicy
    target: object
    targets: list[TargetClock]

    @property
    def state(self) -> SlaState:
        return overall(self.targets)

    @property
    def due_at(self):
        """The earliest deadline among targets not met yet (a breached one's is in the past)."""
        dues = [c.due_at for c in self.targets if not c.done and c.due_at is not None]
        return min(dues) if dues else None

    @property
    def check_at(self):
        """When a target's state changes by itself next: the breach scan picks the record up then."""
        changes = [c.next_change for c in self.targets if c.next_change is not None]
        return min(changes) if changes else None

    def label(self, clock: TargetClock) -> str:
        return TARGET_LABELS[(self.target.kind, clock.name)]


def history(record):
    """[(at, status)] from the record's timeline, oldest first, and when staff first responded."""
    kind = kind_of(record)
    status_enum = IncidentStatus if kind == "incident" else TicketStatus
    rows = db.session.execute(
        select(AuditEvent.created_at, AuditEvent.action, AuditEvent.field, AuditEvent.new_value,
               AuditEvent.actor_id, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_type == kind, AuditEvent.subject_id == record.id)
        .order_by(AuditEvent.id)).all()
    first = IncidentStatus.DETECTED if kind == "incident" else TicketStatus.OPEN
    statuses = [(record.created_at, first)]
    responded = None
    for at, action, field, new_value, actor_id, role in rows:
        if action == "status_changed" and field == "status" and new_value:
            statuses.append((at, status_enum(new_value)))
        if (responded is None and action in RESPONSES and role is not None and role.at_least(Role.RESPONDER)
                and actor_id != record.reporter_id):
            responded = at
    return statuses, responded


def clocks(record, now=None) -> Clocks | None:
    """The record's SLA clocks at *now*, or None when no policy covers it."""
    now = now or utcnow()
    kind = kind_of(record)
    policy = policy_for(record.org_id)
    target = policy.target_for(kind, level_of(record)) if policy else None
    if target is None:
        return None
    calendar = calendar_of(policy, target.around_the_clock)
    warn = policy.warn_percent / 100
    statuses, responded = history(record)
    if kind == "incident":
        respond_intervals = intervals_in(statuses, RUNNING[kind]["respond"], now)
        respond_done = record.status != IncidentStatus.DETECTED
    else:
        respond_intervals = [(record.created_at, responded)]
        respond_done = responded is not None
    resolve_intervals = intervals_in(statuses, RUNNING[kind]["resolve"], now)
    return Clocks(policy, target, [
        measure("respond", calendar, respond_intervals, target.respond_minutes * 60, warn, now, respond_done),
        measure("resolve", calendar, resolve_intervals, target.resolve_minutes * 60, warn, now,
                record.status in DONE[kind]),
    ])


def store(record, found: Clocks | None):
    """Write the clocks' answer onto the record (no commit)."""
    record.sla_state = found.state if found else None
    record.sla_due_at = found.due_at if found else None
    record.sla_check_at = found.check_at if found else None


def track(record, now=None) -> Clocks | None:
    """Recompute and store *record*'s clocks (no commit); a target past a line makes it due for the scan.

    Announcing is the breach scan's alone (it locks the record), so a change that finds a target at
    risk or breached only marks the record due: the next worker round announces it if nobody has yet.
    """
    now = now or utcnow()
    found = clocks(record, now)
    store(record, found)
    if found is not None and any(c.state == SlaState.BREACHED or (c.state == SlaState.AT_RISK and c.running)
                                 for c in found.targets):
        record.sla_check_at = now
    return found


SLA_FILTERS = {
    "attention": lambda model: model.sla_state.in_([SlaState.AT_RISK, SlaState.BREACHED]),
    "breached": lambda model: model.sla_state == SlaState.BREACHED,
    "on_track": lambda model: model.sla_state == SlaState.ON_TRACK,
    "met": lambda model: model.sla_state == SlaState.MET,
}


def sla_filter(model, name: str):
    """A WHERE clause for a list's SLA filter ("attention": at risk or breached); an unknown name is refused."""
    if name not in SLA_FILTERS:
        raise ValidationError({"sla": "Choose an SLA state from the list."})
    return SLA_FILTERS[name](model)
