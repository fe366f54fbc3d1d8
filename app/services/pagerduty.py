"""Paging through PagerDuty: Events API v2 trigger, acknowledge and resolve, written to the outbox.

The routing key is not put in the outbox row: the deliverer reads it from the
integration when it sends, so a rotated key applies to what is still waiting and
no secret sits in the deliveries table.
"""
from datetime import timedelta
import re
import uuid

from sqlalchemy import select

from app.extensions import db
from app.links import absolute_url
from app.models import (
    AuditEvent, Incident, IncidentStatus, PagerDutyIntegration, PagerDutyLink, Priority, Severity, Source, Ticket,
    TicketStatus, User,
)
from app.models.base import utcnow
from app.outbox import enqueue
from app.services import audit
from app.services.core import validation
from app.services.core.errors import NotFound
from app.services.core.events import emit
from app.services.core.permissions import can_see, load_visible
from app.services.pagerduty_settings import integration_for, own_integration

CHANNEL = "pagerduty"
EVENT_SEVERITY = {Severity.SEV1: "critical", Severity.SEV2: "error", Severity.SEV3: "warning", Severity.SEV4: "info"}
REASON_MAX = 500


def can_page(integration: PagerDutyIntegration | None) -> bool:
    """True when *integration* exists, has a routing key and paging is on."""
    return bool(integration and integration.paging_enabled and integration.routing_keys)


def link_of(incident_id) -> PagerDutyLink | None:
    return db.session.scalar(select(PagerDutyLink).where(PagerDutyLink.incident_id == incident_id))


def _link(incident: Incident, integration: PagerDutyIntegration) -> PagerDutyLink:
    link = link_of(incident.id)
    if link is None:
        link = PagerDutyLink(incident_id=incident.id, integration_org_id=integration.org_id,
                             dedup_key=incident.reference)
        db.session.add(link)
    return link


def _incident_url(incident):
    return absolute_url("incidents.detail", f"/incidents/{incident.number}", number=incident.number)


def trigger_body(incident: Incident, reason: str, details: dict | None = None) -> dict:
    """The Events API v2 trigger for *incident* (without its routing key)."""
    url = _incident_url(incident)
    custom = {"organization": incident.org.name, "relay_incident": incident.reference,
              "severity": incident.severity.label, "status": incident.status.label, "reason": reason,
              "relay_link": url, **(details or {})}
    if incident.description:
        custom["description"] = incident.description[:2000]
    return {
        "event_action": "trigger", "dedup_key": incident.reference,
        "payload": {"summary": f"{incident.reference} [{incident.org.name}] {incident.title}"[:1024],
                    "source": "Relay", "severity": EVENT_SEVERITY[incident.severity],
                    "component": incident.product_area.name if incident.product_area else None,
                    "group": incident.org.slug, "custom_details": custom},
        "client": "Relay", "client_url": url,
        "links": [{"href": url, "text": f"{incident.reference} in Relay"}],
    }


# Paging is what someone is waiting for: its row is due this much earlier than the Slack and email rows
# written with it, so a worker with a backlog sends the page first (rows are taken by next_attempt_at).
HEAD_START = timedelta(minutes=1)


def _queue(incident: Incident, link: PagerDutyLink, body: dict):
    delivery = enqueue(CHANNEL, f"incident.{body['event_action']}", f"PagerDuty ({link.dedup_key})",
                       {"integration_org_id": link.integration_org_id, "incident_id": incident.id, "body": body},
                       dedup_key=f"pagerduty:{incident.id}:{body['event_action']}:{uuid.uuid4().hex}",
                       ordering_key=f"pagerduty:incident:{incident.id}")
    delivery.next_attempt_at = utcnow() - HEAD_START


def page_incident(incident_id: int, actor: User | None, reason: str, source=Source.SYSTEM, *, details=None,
                  commit=True) -> bool:
    """Page on-call for an incident through its organization's PagerDuty (or the provider's default).

    Writes an Events API v2 trigger (dedup_key = the incident's reference) to the outbox
    and a "paged" entry on the timeline. Returns False, and writes nothing, when paging
    is not configured or is off for the organization. *actor* None is Relay itself (a
    scheduled job); a person must be able to see the incident. Commits unless commit=False,
    which leaves the rows in the caller's transaction.
    """
    incident = db.session.get(Incident, validation.optional_id(incident_id, "incident_id") or 0)
    if incident is None or (actor is not None and not can_see(actor, incident)):
        raise NotFound("That incident was not found.")
    reason = validation.text(reason, "reason", max_length=REASON_MAX, label="Reason")
    integration = integration_for(incident.org_id)
    if not can_page(integration):
        return False
    link = _link(incident, integration)
    _queue(incident, link, trigger_body(incident, reason, details))
    audit.record(incident, "paged", actor, source, new=reason)
    emit("incident.paged", incident, actor, source, reason=reason)
    if commit:
        db.session.commit()
    return True


PRIORITY_SEVERITY = {Priority.CRITICAL: "critical", Priority.HIGH: "error", Priority.MEDIUM: "warning",
                     Priority.LOW: "info"}
TICKET_REFERENCE = re.compile(r"TCK-[0-9]+")


def ticket_trigger_body(ticket: Ticket, reason: str) -> dict:
    """The Events API v2 trigger for an escalated ticket (dedup_key = its reference, so repeats are one page)."""
    url = absolute_url("tickets.detail", f"/tickets/{ticket.number}", number=ticket.number)
    return {
        "event_action": "trigger", "dedup_key": ticket.reference,
        "payload": {"summary": f"{ticket.reference} [{ticket.org.name}] {ticket.title}"[:1024], "source": "Relay",
                    "severity": PRIORITY_SEVERITY[ticket.priority], "group": ticket.org.slug,
                    "custom_details": {"organization": ticket.org.name, "relay_ticket": ticket.reference,
                                       "priority": ticket.priority.label, "status": ticket.status.label,
                                       "reason": reason, "relay_link": url}},
        "client": "Relay", "client_url": url, "links": [{"href": url, "text": f"{ticket.reference} in Relay"}],
    }


def _queue_ticket_event(ticket: Ticket, integration_org_id: int, body: dict):
    delivery = enqueue(CHANNEL, f"ticket.{body['event_action']}", f"PagerDuty ({ticket.reference})",
                       {"integration_org_id": integration_org_id, "ticket_id": ticket.id, "body": body},
                       dedup_key=f"pagerduty:ticket:{ticket.id}:{body['event_action']}:{uuid.uuid4().hex}",
                       ordering_key=f"pagerduty:ticket:{ticket.id}")
    delivery.next_attempt_at = utcnow() - HEAD_START


def page_ticket(ticket: Ticket, actor: User | None, reason: str, source=Source.WEB) -> bool:
    """Page on-call about an escalated ticket, as for an incident; False, writing nothing, where paging is off.

    No PagerDuty link is kept: PagerDuty's webhooks about a ticket's page change nothing in Relay
    (pagerduty_inbound), and resolving or closing the ticket resolves the page. Never commits.
    """
    reason = validation.text(reason, "reason", max_length=REASON_MAX, label="Reason")
    integration = integration_for(ticket.org_id)
    if not can_page(integration):
        return False
    _queue_ticket_event(ticket, integration.org_id, ticket_trigger_body(ticket, reason))
    audit.record(ticket, "paged", actor, source, new=reason)
    return True


def follow_ticket_move(ticket: Ticket, old: TicketStatus, new: TicketStatus):
    """A paged ticket that is resolved or closed resolves its page in PagerDuty."""
    if not (old.is_open and not new.is_open):
        return
    paged = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.subject_type == "ticket", AuditEvent.subject_id == ticket.id, AuditEvent.action == "paged").limit(1))
    integration = integration_for(ticket.org_id) if paged else None
    if integration is not None:
        _queue_ticket_event(ticket, integration.org_id, {"event_action": "resolve", "dedup_key": ticket.reference})


def is_ticket_page(data: dict) -> bool:
    """True when a PagerDuty incident is the page of a Relay ticket (its incident_key is a ticket's reference)."""
    key = data.get("incident_key")
    return isinstance(key, str) and TICKET_REFERENCE.fullmatch(key) is not None


def ticket_page_failed(ticket_id: int, action: str, error: str):
    """PagerDuty refused a ticket's page for good: say so on the ticket's timeline (caller commits)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is not None:
        audit.record(ticket, "page_failed" if action == "trigger" else "pagerduty_sync_failed", None, Source.SYSTEM,
                     new=f"{action}: {error}"[:300])


# What a move in Relay tells PagerDuty (a move back to investigating from resolved pages again).
FOLLOWS = {
    (IncidentStatus.DETECTED, IncidentStatus.INVESTIGATING): "acknowledge",
    (IncidentStatus.MITIGATED, IncidentStatus.RESOLVED): "resolve",
    (IncidentStatus.DETECTED, IncidentStatus.CLOSED): "resolve",
    (IncidentStatus.RESOLVED, IncidentStatus.INVESTIGATING): "trigger",
}


def follow_relay_move(incident: Incident, old: IncidentStatus, new: IncidentStatus, source: Source):
    """Tell PagerDuty about a move made in Relay; a move that came from PagerDuty is never echoed back."""
    if source == Source.PAGERDUTY:
        return
    action = FOLLOWS.get((old, new))
    link = link_of(incident.id) if action else None
    if link is None:
        return
    if action == "trigger":
        _queue(incident, link, trigger_body(incident, f"{incident.reference} was reopened in Relay"))
    else:
        _queue(incident, link, {"event_action": action, "dedup_key": link.dedup_key})


def page_failed(incident_id: int, action: str, error: str):
    """An event PagerDuty refused for good: say so on the timeline and where people look (caller commits)."""
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        return
    audit.record(incident, "page_failed" if action == "trigger" else "pagerduty_sync_failed", None, Source.SYSTEM,
                 new=f"{action}: {error}"[:300])
    emit("incident.page_failed", incident, None, Source.SYSTEM, action=action, error=error)


# The fresh look-up follows the answer from Relay's record, never before it (a slow PagerDuty must not hold it up).
FOLLOW_UP_DELAY = timedelta(seconds=1)


def request_status(actor: User, number: int, reply_to: dict) -> str:
    """What Relay knows of an incident's PagerDuty status, to tell *actor* at once; queues a fresh look-up.

    The answer comes from the record: the incident in Relay and what PagerDuty's newest
    webhook said. When the incident was paged and a REST API key is saved, the worker also
    asks PagerDuty and follows up through *reply_to* (the Slack response_url, channel and
    user). Someone who may not see the incident gets NotFound. Nothing here waits on PagerDuty.
    """
    incident = load_visible(actor, Incident, number)
    link = link_of(incident.id)
    answer = status_from_record(incident, link)
    integration = own_integration(link.integration_org_id) if link else None
    if link is None or integration is None or not integration.rest_token:
        return answer
    delivery = enqueue(CHANNEL, "incident.status", f"PagerDuty ({link.dedup_key})",
                       {"op": "status", "integration_org_id": link.integration_org_id, "reference": link.dedup_key,
                        "pd_incident_id": link.pd_incident_id,
                        **{k: reply_to.get(k) for k in ("response_url", "channel", "user")}},
                       dedup_key=f"pagerduty:status:{uuid.uuid4().hex}")
    delivery.next_attempt_at = utcnow() + FOLLOW_UP_DELAY
    return answer + " Asking PagerDuty for its current status…"


def status_from_record(incident: Incident, link: PagerDutyLink | None) -> str:
    """One line on where an incident stands, in Relay and as PagerDuty last told Relay."""
    assignee = incident.assignee.display_name if incident.assignee else "nobody"
    relay = (f"{incident.reference} in Relay: {incident.status.label} · {incident.severity.label} · "
             f"assigned to {assignee} · last update {incident.updated_at:%Y-%m-%d %H:%M} UTC.")
    if link is None:
        return f"{relay} It was not paged through PagerDuty."
    if link.pd_status is None:
        return f"{relay} Paged; PagerDuty has not reported on it yet."
    who = f", assigned to {link.pd_assignee}" if link.pd_assignee else ""
    return f"{relay} PagerDuty last said: {link.pd_status}{who} ({link.pd_seen_at:%H:%M} UTC)."
