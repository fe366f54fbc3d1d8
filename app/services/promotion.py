"""Promoting a ticket to an incident: one transaction, linked both ways, on both timelines."""
from app.extensions import db
from app.models import Comment, Incident, Severity, Source, User
from app.services import audit
from app.services.core.errors import InvalidTransition
from app.services.core.events import emit
from app.services.incidents import open_incident
from app.services.core.permissions import Permission, require
from app.services.tickets import comments_for, load_ticket

# A ticket's priority suggests the incident's severity when none is chosen.
SEVERITY_FOR_PRIORITY = {"critical": Severity.SEV1, "high": Severity.SEV2, "medium": Severity.SEV3,
                         "low": Severity.SEV4}


def _description(ticket):
    facts = [f"Promoted from {ticket.reference} (priority {ticket.priority.label}"
             + (f", campaign {ticket.campaign.name}" if ticket.campaign else "")
             + (f", issue type {ticket.issue_type.name}" if ticket.issue_type else "") + ")."]
    if ticket.external_url:
        facts.append(f"External link: {ticket.external_url}")
    if ticket.details:
        facts.append(ticket.details)
    return "\n\n".join(facts)[:20_000]


def promote_ticket(actor: User, number: int, *, severity=None, product_area_id=None, commander_id=None,
                   source=Source.WEB) -> Incident:
    """Open an incident from a ticket, carrying over its reporter, details and comments."""
    ticket = load_ticket(actor, number, for_update=True)
    require(actor, Permission.WORK, "Only responders and above can promote a ticket to an incident.")
    if ticket.incident_id is not None:
        raise InvalidTransition(f"{ticket.reference} was already promoted to {ticket.incident.reference}.")
    try:
        incident = open_incident(
            actor, title=ticket.title, severity=severity or SEVERITY_FOR_PRIORITY[ticket.priority.value],
            description=_description(ticket), product_area_id=product_area_id, commander_id=commander_id,
            org_id=ticket.org_id, reporter=ticket.reporter, source=source)
        for comment in comments_for(ticket):
            db.session.add(Comment(incident_id=incident.id, author_id=comment.author_id, body=comment.body,
                                   created_at=comment.created_at))
        ticket.incident = incident
        audit.record(incident, "promoted_from", actor, source, new=ticket.reference)
        audit.record(ticket, "promoted", actor, source, new=incident.reference)
        emit("ticket.promoted", ticket, actor, source, incident=incident)
        db.session.commit()
    except Exception:
        # Nothing half-written: the incident, the link and both timelines go together or not at all.
        db.session.rollback()
        raise
    return incident
