"""/api/v1/tickets: list, raise, read, edit, move, take, reassign, resolve, promote, and the sub-resources."""
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api import problems, subresources
from app.api.auth import current_user, protect
from app.api.records import IDEMPOTENCY_DOC, IF_MATCH_DOC, answer, check_if_match, create
from app.api.schemas.incidents import IncidentOut
from app.api.schemas.tickets import (
    Promotion, Reassignment, Resolution, TicketEdit, TicketIn, TicketOut, TicketPage, TicketQuery,
    TicketTransition,
)
from app.models import Source, Ticket
from app.services import promotion, tickets
from app.services.core.cursor import keyset
from app.services.ticket_queries import TicketFilters, matching_tickets

blp = Blueprint("api_tickets", __name__, url_prefix="/tickets", description="Tickets")
protect(blp)
problems.register(blp)
subresources.add_to(blp, "ticket", tickets.get_ticket, tickets.comment_on_ticket, tickets.comments_for)

FILTERS = ("scope", "status", "priority", "campaign_id", "issue_type_id", "assignee_id", "created_from",
           "created_to", "q")


def _shown(ticket):
    return answer(TicketOut().dump(ticket), etag=True)


def _headers(*docs):
    return [{"in": "header", "name": name, **doc} for docs_ in docs for name, doc in docs_.items()]


def _unchanged(number):
    """Refuse (412) a change sent with an If-Match that is out of date."""
    check_if_match(TicketOut().dump(tickets.get_ticket(current_user(), number)))


@blp.route("", methods=["GET"])
@blp.arguments(TicketQuery, location="query", unknown=RAISE)
@blp.response(200, TicketPage)
def list_tickets(args):
    """The tickets you may see (scope: all, mine, raised, assigned), with the web's filters."""
    filters = TicketFilters(**{name: args.get(name) for name in FILTERS})
    page = keyset(matching_tickets(current_user(), filters), Ticket, cursor=args.get("cursor"),
                  limit=args["limit"], newest_first=args["sort"] == "newest")
    return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("", methods=["POST"])
@blp.arguments(TicketIn)
@blp.response(201, TicketOut)
@blp.doc(parameters=_headers(IDEMPOTENCY_DOC))
def raise_ticket(body):
    """Raise a ticket."""
    return create(lambda: tickets.create_ticket(current_user(), source=Source.API, **body),
                  TicketOut().dump, lambda t: url_for("api_tickets.get", number=t.number))


@blp.route("/<int:number>", methods=["GET"])
@blp.response(200, TicketOut, headers={"ETag": {"schema": {"type": "string"}}})
def get(number):
    """One ticket, with its ETag."""
    return _shown(tickets.get_ticket(current_user(), number))


@blp.route("/<int:number>", methods=["PATCH"])
@blp.arguments(TicketEdit)
@blp.response(200, TicketOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def edit(body, number):
    """Change a ticket's details."""
    _unchanged(number)
    return _shown(tickets.edit_ticket(current_user(), number, source=Source.API, **body))


@blp.route("/<int:number>/transitions", methods=["POST"])
@blp.arguments(TicketTransition)
@blp.response(200, TicketOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def transition(body, number):
    """Move a ticket along its lifecycle (resolving needs resolution_notes)."""
    _unchanged(number)
    return _shown(tickets.transition_ticket(current_user(), number, body["status"],
                                            resolution_notes=body.get("resolution_notes"), source=Source.API))


@blp.route("/<int:number>/resolve", methods=["POST"])
@blp.arguments(Resolution)
@blp.response(200, TicketOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def resolve(body, number):
    """Resolve a ticket in progress, saying how."""
    _unchanged(number)
    return _shown(tickets.resolve_ticket(current_user(), number, body["resolution_notes"], source=Source.API))


@blp.route("/<int:number>/take", methods=["POST"])
@blp.response(200, TicketOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def take(number):
    """Assign a ticket to yourself; an open one moves to in progress."""
    _unchanged(number)
    return _shown(tickets.assign_to_me(current_user(), number, source=Source.API))


@blp.route("/<int:number>/assignee", methods=["PUT"])
@blp.arguments(Reassignment)
@blp.response(200, TicketOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def reassign(body, number):
    """Reassign a ticket (managers: anyone; others: drop their own), with an optional comment."""
    _unchanged(number)
    return _shown(tickets.reassign_ticket(current_user(), number, body["assignee_id"],
                                          comment=body.get("comment"), source=Source.API))


@blp.route("/<int:number>/promotion", methods=["POST"])
@blp.arguments(Promotion)
@blp.response(201, IncidentOut)
@blp.doc(parameters=_headers(IDEMPOTENCY_DOC))
def promote(body, number):
    """Promote a ticket to an incident, carrying its reporter, details and comments over."""
    return create(lambda: promotion.promote_ticket(current_user(), number, source=Source.API, **body),
                  IncidentOut().dump, lambda i: url_for("api_incidents.get", number=i.number))
