"""Applying PagerDuty's changes to Relay incidents, by occurred_at, never moving an incident backwards.

Called by the worker with a verified, queued webhook event, and with the assignees it
looked up in PagerDuty's REST API (their emails). Changes are recorded with source
`pagerduty`, so they are never sent back to PagerDuty.
"""
from collections import deque
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Incident, IncidentStatus, Organization, PagerDutyLink, Role, Severity, Source, User
from app.models import next_number
from app.services import audit, identities, pagerduty
from app.services.core.errors import NotFound
from app.services.core.events import emit
from app.services.core.permissions import can_work_in
from app.services.incident_lifecycle import TRANSITIONS
from app.services.pagerduty_settings import integration_for_service, own_integration
from app.services.pagerduty_webhooks import incident_id, occurred_at

SOURCE = Source.PAGERDUTY
TARGETS = {"incident.acknowledged": IncidentStatus.INVESTIGATING, "incident.resolved": IncidentStatus.RESOLVED}
NOTES = {"incident.escalated": "escalated", "incident.priority_updated": "priority",
         "incident.annotated": "note", "incident.unacknowledged": "unacknowledged",
         "incident.reopened": "reopened", "incident.delegated": "delegated"}
PRIORITY_SEVERITY = {"P1": Severity.SEV1, "P2": Severity.SEV2, "P3": Severity.SEV3, "P4": Severity.SEV4,
                     "P5": Severity.SEV4}
SYSTEM_EMAIL = "pagerduty@pagerduty.invalid"
PD_STATUSES = ("triggered", "acknowledged", "resolved")


class NotLinkedYet(Exception):
    """An event about a PagerDuty incident Relay cannot place yet; the worker tries it again later."""


@dataclass(frozen=True)
class Person:
    """Someone PagerDuty named: its user id, name and (when the REST API told us) email."""

    pd_id: str
    name: str
    email: str | None = None


def _text(value, limit=300):
    return str(value)[:limit] if value is not None else ""


def forward_path(current, target):
    """The moves from *current* to *target* that only go forward (no regress, no reopen), or None."""
    forward = [t for t in TRANSITIONS if not t.clears]
    queue, seen = deque([(current, [])]), {current}
    while queue:
        status, path = queue.popleft()
        if status == target:
            return path
        for move in (t for t in forward if t.source == status and t.target not in seen):
            seen.add(move.target)
            queue.append((move.target, path + [move]))
    return None


def _system_reporter(org_id) -> User:
    """The account that reports incidents PagerDuty started (it cannot sign in)."""
    user = db.session.scalar(select(User).where(User.email == SYSTEM_EMAIL))
    if user is None:
        provider = db.session.scalar(select(Organization).where(Organization.is_provider.is_(True))
                                     .order_by(Organization.id))
        user = User(email=SYSTEM_EMAIL, display_name="PagerDuty", role=Role.REPORTER, org=provider or
                    db.session.get(Organization, org_id), active=False, password_hash="!pagerduty")
        db.session.add(user)
        db.session.flush()
    return user


def _owning_org(webhook_org_id, service_id) -> int | None:
    """The organization a PagerDuty-born incident belongs to: the one its service was entered under.

    A webhook to a customer's own URL may only create incidents on that customer's services;
    the provider's URL (the default settings) may create them for any organization.
    """
    integration = integration_for_service(service_id)
    if integration is None:
        return None
    webhook_org = db.session.get(Organization, webhook_org_id)
    if integration.org_id != webhook_org_id and not (webhook_org and webhook_org.is_provider):
        return None
    return integration.org_id


def _open_from_pagerduty(webhook_org_id, data, moment) -> tuple[Incident, PagerDutyLink]:
    service = data.get("service") if isinstance(data.get("service"), dict) else {}
    org_id = _owning_org(webhook_org_id, service.get("id"))
    if org_id is None:
        raise NotFound(f"PagerDuty service {_text(service.get('id'), 20)!r} belongs to no organization "
                               f"(add it to one in Admin → Slack channels & PagerDuty, then retry this delivery)")
    integration = own_integration(org_id) or own_integration(webhook_org_id)
    priority = data.get("priority") if isinstance(data.get("priority"), dict) else {}
    severity = PRIORITY_SEVERITY.get(_text(priority.get("summary"), 5)) or (
        integration.default_severity if data.get("urgency") != "low" else Severity.SEV4)
    title = _text(data.get("title") or f"PagerDuty incident {data['id']}", 200)
    incident = Incident(number=next_number("incident"), title=title, severity=severity, org_id=org_id,
                        reporter_id=_system_reporter(org_id).id, created_at=moment,
                        description=f"Started in PagerDuty on {_text(service.get('summary'), 100) or 'a service'}.")
    db.session.add(incident)
    db.session.flush()
    link = PagerDutyLink(incident_id=incident.id, integration_org_id=integration.org_id,
                         dedup_key=f"pagerduty:{data['id']}", pd_incident_id=data["id"], started_in_pagerduty=True)
    db.session.add(link)
    audit.record(incident, "declared", None, SOURCE, new=f"{severity.label}: {title}")
    emit("incident.declared", incident, None, SOURCE)
    return incident, link


def _find(webhook_org_id, data) -> tuple[Incident | None, PagerDutyLink | None]:
    """The linked incident: by PagerDuty's id, or (a Relay page) by its incident_key, within reach of this URL."""
    link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.pd_incident_id == incident_id(data)))
    if link is None and isinstance(data.get("incident_key"), str):
        link = db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.dedup_key == data["incident_key"][:60],
                                                             PagerDutyLink.pd_incident_id.is_(None)))
    if link is None:
        return None, None
    incident = db.session.scalar(select(Incident).where(Incident.id == link.incident_id).with_for_update())
    webhook_org = db.session.get(Organization, webhook_org_id)
    if incident is None or not (link.integration_org_id == webhook_org_id or incident.org_id == webhook_org_id
                                or (webhook_org and webhook_org.is_provider)):
        return None, None
    return incident, link


def _note(incident, kind, text, agent):
    audit.record(incident, "pagerduty", None, SOURCE, field=kind, new=text[:500])
    emit("incident.pagerduty_noted", incident, None, SOURCE, kind=kind, text=text, agent=agent)


def _move(incident, link, target, moment, agent, actor):
    """Move *incident* forward to *target* as of *moment*; an older or backward change only goes on the timeline."""
    if link.status_at is not None and moment <= link.status_at:
        if target == IncidentStatus.INVESTIGATING and incident.acknowledged_at and moment < incident.acknowledged_at:
            incident.acknowledged_at = moment  # the acknowledgement really came first: MTTA counts from it
        if incident.status != target:
            _note(incident, "late", f"{target.label} at {moment:%H:%M:%S} UTC arrived after a later change; "
                                    f"{incident.reference} stays {incident.status.label.lower()}.", agent)
        return
    path = forward_path(incident.status, target)
    if not path:
        if incident.status != target:
            _note(incident, "unchanged", f"PagerDuty says {target.label.lower()}; {incident.reference} is already "
                                         f"{incident.status.label.lower()} in Relay.", agent)
        link.status_at = moment
        return
    old = incident.status
    for move in path:
        if move.milestone and getattr(incident, move.milestone) is None:
            setattr(incident, move.milestone, moment)
    incident.status, link.status_at = target, moment
    audit.record(incident, "status_changed", actor, SOURCE, field="status", old=old, new=target)
    emit("incident.status_changed", incident, actor, SOURCE, old=old, new=target, agent=agent)


def _relay_user(person: Person, org_id) -> User | None:
    """The Relay account of someone PagerDuty named, matched by email (and remembered), if they work there."""
    user = identities.account_for("pagerduty", person.pd_id,
                                  lambda: identities.Profile(person.email, person.name), provision=False)
    return user if user is not None and can_work_in(user, org_id) else None


def _reassign(incident, people, agent, actor):
    person = people[0] if people else None
    user = _relay_user(person, incident.org_id) if person else None
    if user is not None and user.id == incident.assignee_id:
        return
    previous = incident.assignee
    incident.assignee = user
    name = user.display_name if user else (f"{person.name} (no Relay account)" if person else None)
    audit.record(incident, "assigned", actor, SOURCE, field="assignee",
                 old=previous.display_name if previous else None, new=name)
    emit("incident.assigned", incident, actor, SOURCE, assignee=user, previous=previous,
         assignee_name=None if user else (person.name if person else None), agent=agent)


def apply(webhook_org_id: int, event: dict, people=()) -> str:
    """Apply one PagerDuty event to Relay (commits); returns what happened, for the log."""
    data, kind = event["data"], event["event_type"]
    moment = occurred_at(event["occurred_at"])
    agent_ref = event.get("agent") if isinstance(event.get("agent"), dict) else {}
    agent = _text(agent_ref.get("summary"), 100) or None
    actor = identities.find("pagerduty", agent_ref["id"]) if isinstance(agent_ref.get("id"), str) else None
    incident, link = _find(webhook_org_id, data)
    created = incident is None
    if created and pagerduty.is_ticket_page(data):
        return f"{kind} about the page of ticket {_text(data['incident_key'], 20)}: nothing to apply"
    if created and data.get("type") == "incident_note":
        raise NotLinkedYet(f"a note about PagerDuty incident {incident_id(data)}, which Relay has not heard of yet "
                           f"(its other webhooks may still be on their way); trying again later")
    if created:
        incident, link = _open_from_pagerduty(webhook_org_id, data, moment)
    if link.pd_incident_id is None:
        link.pd_incident_id = data["id"]
        _note(incident, "linked", f"PagerDuty incident #{_text(data.get('number'), 12)} is paging on-call.", agent)
    if isinstance(data.get("html_url"), str) and data["html_url"].startswith("https://"):
        link.pd_url = data["html_url"][:300]
    _remember(link, data, moment)
    if kind in TARGETS:
        _move(incident, link, TARGETS[kind], moment, agent, actor)
    elif kind == "incident.reassigned":
        _reassign(incident, list(people), agent, actor)
    elif kind in NOTES:
        _note(incident, NOTES[kind], describe(kind, data, agent), agent)
    db.session.commit()
    return f"{kind} applied to {incident.reference}" + (" (created)" if created else "")


def _remember(link, data, moment):
    """Keep what the newest webhook says of the PagerDuty incident, for Check status to answer at once."""
    if data.get("type") == "incident_note" or (link.pd_seen_at is not None and moment < link.pd_seen_at):
        return
    status = data.get("status")
    if isinstance(status, str) and status in PD_STATUSES:
        link.pd_status = status
    assignees = [a for a in data.get("assignees") or [] if isinstance(a, dict) and a.get("summary")]
    if "assignees" in data:
        link.pd_assignee = _text(assignees[0]["summary"], 100) if assignees else None
    link.pd_seen_at = moment


def describe(kind, data, agent) -> str:
    """A timeline line for an event that changes nothing in Relay but is worth knowing."""
    who = agent or "PagerDuty"
    if kind == "incident.priority_updated":
        priority = data.get("priority") if isinstance(data.get("priority"), dict) else {}
        return f"{who} set the priority to {_text(priority.get('summary'), 20) or 'none'}."
    if kind == "incident.annotated":
        return f"{who} added a note: {_text(data.get('content'), 400)}"
    if kind == "incident.escalated":
        assignees = [a.get("summary") for a in data.get("assignees") or [] if isinstance(a, dict)]
        return f"Escalated{' to ' + _text(', '.join(map(str, assignees)), 200) if assignees else ''}."
    return f"{who}: {kind.removeprefix('incident.')}."
