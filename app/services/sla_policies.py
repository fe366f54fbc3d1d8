"""SLA policies: the seeded defaults, and the admin's edits (which recount the records still open)."""
from datetime import time
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import (OPEN_STATUSES, OPEN_TICKET_STATUSES, Incident, Organization, Priority, Severity,
                        SlaPolicy, SlaTarget, Ticket, User)
from app.services.core import validation
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, can_work_in, require
from app.services.sla import forget_policies, track

DAY = 8 * 60  # one business day of the default working hours, in minutes
# (level, respond, resolve, update cadence, 24x7): SEV1 and SEV2 run around the clock.
INCIDENT_DEFAULTS = [
    (Severity.SEV1, 15, 4 * 60, 30, True),
    (Severity.SEV2, 30, 8 * 60, 60, True),
    (Severity.SEV3, 4 * 60, 3 * DAY, None, False),
    (Severity.SEV4, DAY, 10 * DAY, None, False),
]
TICKET_DEFAULTS = [
    (Priority.CRITICAL, 60, DAY, None, False),
    (Priority.HIGH, 4 * 60, 2 * DAY, None, False),
    (Priority.MEDIUM, DAY, 5 * DAY, None, False),
    (Priority.LOW, 2 * DAY, 10 * DAY, None, False),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
OFFICE_HOURS = {str(day): ["09:00", "17:00"] for day in range(5)}
MINUTES_MAX = 366 * 24 * 60
HOLIDAYS_MAX = 200
NAME_MAX = 120


def default_targets():
    return ([SlaTarget(kind="incident", level=level.value, respond_minutes=respond, resolve_minutes=resolve,
                       update_minutes=update, around_the_clock=always)
             for level, respond, resolve, update, always in INCIDENT_DEFAULTS]
            + [SlaTarget(kind="ticket", level=level.value, respond_minutes=respond, resolve_minutes=resolve,
                         update_minutes=update, around_the_clock=always)
               for level, respond, resolve, update, always in TICKET_DEFAULTS])


def ensure_default_policy(manager: User | None = None) -> SlaPolicy:
    """The provider's default policy, created with the seeded targets if there is none; never commits."""
    policy = db.session.scalar(select(SlaPolicy).where(SlaPolicy.org_id.is_(None)))
    if policy is None:
        policy = SlaPolicy(name="Standard support", org_id=None, timezone=current_app.config["TIMEZONE"],
                           working_hours=dict(OFFICE_HOURS), holidays=[], warn_percent=75,
                           manager=manager, targets=default_targets())
        db.session.add(policy)
        db.session.flush()
        forget_policies()
    return policy


def list_policies(actor: User):
    require(actor, Permission.MANAGE_SLAS, "Only admins manage SLA policies.")
    return db.session.scalars(select(SlaPolicy).order_by(SlaPolicy.org_id.is_not(None), SlaPolicy.name)).all()


def get_policy(actor: User, policy_id) -> SlaPolicy:
    require(actor, Permission.MANAGE_SLAS, "Only admins manage SLA policies.")
    policy = db.session.get(SlaPolicy, validation.optional_id(policy_id, "policy_id") or 0)
    if policy is None:
        raise NotFound("That SLA policy was not found.")
    return policy


def create_policy(actor: User, org_id) -> SlaPolicy:
    """A customer organization's own policy, starting as a copy of the default."""
    require(actor, Permission.MANAGE_SLAS, "Only admins manage SLA policies.")
    org = db.session.get(Organization, validation.optional_id(org_id, "org_id") or 0)
    if org is None or org.is_provider:
        raise ValidationError({"org_id": "Choose a customer organization."})
    if db.session.scalar(select(SlaPolicy.id).where(SlaPolicy.org_id == org.id)):
        raise ValidationError({"org_id": f"{org.name} has a policy already."})
    default = ensure_default_policy()
    policy = SlaPolicy(name=f"{org.name} contract", org=org, timezone=default.timezone,
                       working_hours=dict(default.working_hours), holidays=list(default.holidays),
                       warn_percent=default.warn_percent, manager_id=default.manager_id,
                       targets=[SlaTarget(kind=t.kind, level=t.level, respond_minutes=t.respond_minutes,
                                          resolve_minutes=t.resolve_minutes, update_minutes=t.update_minutes,
                                          around_the_clock=t.around_the_clock) for t in default.targets])
    db.session.add(policy)
    db.session.commit()
    forget_policies()
    return policy


def update_policy(actor: User, policy_id, values: dict) -> int:
    """Apply an admin's edit and recount every record still open under it; return how many were recounted.

    Records resolved or closed keep the state they ended with: a contract change does not rewrite history.
    """
    policy = get_policy(actor, policy_id)
    checked = _checked(values, policy)
    for name in ("name", "timezone", "working_hours", "holidays", "warn_percent", "raise_severity_on_breach",
                 "manager_id", "escalation_user_id"):
        setattr(policy, name, checked[name])
    for target in policy.targets:
        for name, value in checked["targets"].get(target.id, {}).items():
            setattr(target, name, value)
    db.session.flush()
    recounted = recount_open(policy)
    db.session.commit()
    return recounted


def recount_open(policy: SlaPolicy) -> int:
    """Refresh the clocks of the open records *policy* covers (no commit)."""
    if policy.org_id is not None:
        scope = lambda model: model.org_id == policy.org_id  # noqa: E731
    else:
        own = select(SlaPolicy.org_id).where(SlaPolicy.org_id.is_not(None))
        scope = lambda model: model.org_id.not_in(own)  # noqa: E731
    count = 0
    for model, open_statuses in ((Incident, OPEN_STATUSES), (Ticket, OPEN_TICKET_STATUSES)):
        for record in db.session.scalars(select(model).where(model.status.in_(open_statuses), scope(model))):
            track(record)
            count += 1
    return count


CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _checked(values, policy):
    errors, checked = {}, {}

    def attempt(field, fn):
        try:
            checked[field] = fn()
        except ValidationError as error:
            errors.update(error.errors)

    attempt("name", lambda: validation.text(values.get("name"), "name", max_length=NAME_MAX))
    attempt("timezone", lambda: _zone(values.get("timezone")))
    attempt("working_hours", lambda: _hours(values))
    attempt("holidays", lambda: _holidays(values.get("holidays")))
    attempt("warn_percent", lambda: _number(values.get("warn_percent"), "warn_percent", 1, 99, "Warning at"))
    checked["raise_severity_on_breach"] = bool(values.get("raise_severity_on_breach"))
    attempt("manager_id", lambda: _person(values.get("manager_id"), policy, "manager_id"))
    attempt("escalation_user_id", lambda: _person(values.get("escalation_user_id"), policy, "escalation_user_id"))
    targets = {}
    for target in policy.targets:
        prefix = f"t{target.id}_"
        row = {}
        for name in ("respond_minutes", "resolve_minutes", "update_minutes"):
            key = prefix + name
            if name == "update_minutes" and values.get(key) in (None, ""):
                row[name] = None
                continue
            try:
                row[name] = _number(values.get(key, getattr(target, name)), key, 1, MINUTES_MAX, "Minutes")
            except ValidationError as error:
                errors.update(error.errors)
        row["around_the_clock"] = bool(values.get(prefix + "around_the_clock"))
        targets[target.id] = row
    checked["targets"] = targets
    if errors:
        raise ValidationError(errors)
    return checked


def _zone(value):
    name = validation.text(value, "timezone", max_length=64, label="Timezone")
    try:
        if name not in available_timezones():
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"timezone": "Choose an IANA timezone, such as Europe/Berlin."})
    return name


def _hours(values):
    hours = {}
    for day in range(7):
        opens = validation.text(values.get(f"opens_{day}"), f"opens_{day}", max_length=5, required=False)
        closes = validation.text(values.get(f"closes_{day}"), f"closes_{day}", max_length=5, required=False)
        if not opens and not closes:
            continue
        if not (CLOCK.fullmatch(opens or "") and CLOCK.fullmatch(closes or "")):
            raise ValidationError({f"opens_{day}": f"{WEEKDAYS[day]}: enter both times as HH:MM, or neither."})
        if time.fromisoformat(opens) >= time.fromisoformat(closes):
            raise ValidationError({f"opens_{day}": f"{WEEKDAYS[day]}: the day must end after it starts."})
        hours[str(day)] = [opens, closes]
    if not hours:
        raise ValidationError({"opens_0": "Give at least one working day (targets marked 24x7 ignore these hours)."})
    return hours


def _holidays(value):
    text = validation.text(value, "holidays", max_length=HOLIDAYS_MAX * 12, required=False, label="Holidays")
    days = sorted({validation.day(line.strip(), "holidays", "Holidays").isoformat()
                   for line in text.replace(",", "\n").splitlines() if line.strip()})
    if len(days) > HOLIDAYS_MAX:
        raise ValidationError({"holidays": f"List at most {HOLIDAYS_MAX} holidays."})
    return days


def _number(value, field, low, high, label):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: f"{label} must be a whole number."})
    if not low <= number <= high:
        raise ValidationError({field: f"{label} must be between {low} and {high}."})
    return number


def _person(value, policy, field):
    user_id = validation.optional_id(value, field)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    org_id = policy.org_id or (user.org_id if user else 0)
    if user is None or not can_work_in(user, org_id):
        raise ValidationError({field: "Choose an active member of staff."})
    return user.id
