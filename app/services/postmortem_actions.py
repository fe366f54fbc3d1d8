"""A postmortem's action items (tickets it creates and links) and the rule for closing its incident."""
from sqlalchemy import select

from app.extensions import db
from app.models import ActionItem, Incident, IncidentStatus, Postmortem, Source, User
from app.services import audit, tickets
from app.services.core import validation
from app.services.core.errors import InvalidTransition
from app.services.core.permissions import staff_for_org, staff_member
from app.services.core.records import apply_assignment
from app.services.postmortems import load_for_writing

TITLE_MAX = tickets.TITLE_MAX


def add_action_item(actor: User, number: int, *, title, owner_id=None, due_on=None, priority="medium",
                    details="", source=Source.WEB) -> ActionItem:
    """Create a ticket for the follow-up work, owned by *owner_id*, and link it to the postmortem.

    The ticket belongs to the incident's organization; anyone who writes the postmortem may name any
    responder who works for that organization as its owner. One transaction: ticket, owner and link.
    """
    postmortem = load_for_writing(actor, number)
    incident = postmortem.incident
    due = validation.day(due_on, "due_on", "Due date")
    fields = tickets.ticket_fields(title=title, priority=priority or "medium", details=details or "")
    owner = staff_member(owner_id, incident.org_id, "owner_id")
    ticket = tickets.open_ticket(actor, fields, org_id=incident.org_id, source=source)
    if owner is not None:
        apply_assignment(actor, ticket, owner, source, "ticket")
    item = ActionItem(postmortem=postmortem, ticket=ticket, due_on=due)
    db.session.add(item)
    audit.record(ticket, "action_item_of", actor, source, new=incident.reference)
    audit.record(incident, "action_item_added", actor, source, new=f"{ticket.reference}: {ticket.title}")
    db.session.commit()
    return item


def unowned(postmortem: Postmortem) -> list[ActionItem]:
    return [item for item in postmortem.action_items if item.ticket.assignee_id is None]


def closing_blockers(incident: Incident) -> list[str]:
    """Why *incident* may not close yet under its organization's postmortem rule (empty: it may)."""
    if not incident.org.postmortem_required_to_close or incident.status is not IncidentStatus.POSTMORTEM:
        return []
    postmortem = incident.postmortem
    if postmortem is None or not postmortem.is_published:
        return ["its postmortem is not published"]
    missing = unowned(postmortem)
    if missing:
        return ["action items without an owner: " + ", ".join(item.ticket.reference for item in missing)]
    return []


def check_can_close(incident: Incident, target):
    """Refuse closing an incident whose organization requires a published, owned postmortem first."""
    if target is not IncidentStatus.CLOSED:
        return
    blockers = closing_blockers(incident)
    if blockers:
        raise InvalidTransition(f"{incident.reference} cannot be closed yet: {'; '.join(blockers)}. "
                                f"{incident.org.name} requires a published postmortem whose action items "
                                "all have owners.")



def possible_owners(incident: Incident) -> list[User]:
    """Who may own an action item of *incident*'s postmortem: its organization's active responders and up."""
    return db.session.scalars(select(User).where(staff_for_org(incident.org_id)).order_by(User.display_name)).all()
