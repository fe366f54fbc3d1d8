"""/api/v1/incidents: list, declare, read, edit, move, assign, and the sub-resources."""
from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api import problems, subresources
from app.api.auth import current_user, protect
from app.api.records import IDEMPOTENCY_DOC, IF_MATCH_DOC, answer, check_if_match, create
from app.api.schemas.incidents import (
    Assignment, IncidentEdit, IncidentIn, IncidentOut, IncidentPage, IncidentQuery, IncidentTransition,
)
from app.models import Incident, Source
from app.representations import incident_from_row
from app.services import incidents
from app.services.core.cursor import keyset
from app.services.incident_queries import IncidentFilters, matching_incident_rows

blp = Blueprint("api_incidents", __name__, url_prefix="/incidents", description="Incidents")
protect(blp)
problems.register(blp)
subresources.add_to(blp, "incident", incidents.get_incident, incidents.comment_on_incident, incidents.comments_for)

FILTERS = ("status", "severity", "assignee_id", "product_area_id", "q")


def _shown(incident):
    return answer(IncidentOut().dump(incident), etag=True)


def _headers(*docs):
    return [{"in": "header", "name": name, **doc} for docs_ in docs for name, doc in docs_.items()]


@blp.route("", methods=["GET"])
@blp.arguments(IncidentQuery, location="query", unknown=RAISE)
@blp.response(200, IncidentPage)
def list_incidents(args):
    """The incidents you may see, newest first, with the web's filters; follow `next_cursor` for more."""
    filters = IncidentFilters(**{name: args.get(name) for name in FILTERS})
    page = keyset(matching_incident_rows(current_user(), filters), Incident, cursor=args.get("cursor"),
                  limit=args["limit"], newest_first=args["sort"] == "newest", rows=True)
    return answer({"items": [incident_from_row(row) for row in page.items], "next_cursor": page.next_cursor})


@blp.route("", methods=["POST"])
@blp.arguments(IncidentIn)
@blp.response(201, IncidentOut)
@blp.doc(parameters=_headers(IDEMPOTENCY_DOC))
def declare(body):
    """Declare an incident."""
    return create(lambda: incidents.declare_incident(current_user(), source=Source.API, **body),
                  IncidentOut().dump, lambda i: url_for("api_incidents.get", number=i.number))


@blp.route("/<int:number>", methods=["GET"])
@blp.response(200, IncidentOut, headers={"ETag": {"schema": {"type": "string"}}})
def get(number):
    """One incident, with its ETag."""
    return _shown(incidents.get_incident(current_user(), number))


@blp.route("/<int:number>", methods=["PATCH"])
@blp.arguments(IncidentEdit)
@blp.response(200, IncidentOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def edit(body, number):
    """Change an incident's details; each changed field goes on the timeline."""
    check_if_match(IncidentOut().dump(incidents.get_incident(current_user(), number)))
    return _shown(incidents.edit_incident(current_user(), number, source=Source.API, **body))


@blp.route("/<int:number>/transitions", methods=["POST"])
@blp.arguments(IncidentTransition)
@blp.response(200, IncidentOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def transition(body, number):
    """Move an incident along its lifecycle (409 if the lifecycle does not allow it from here)."""
    check_if_match(IncidentOut().dump(incidents.get_incident(current_user(), number)))
    return _shown(incidents.transition_incident(current_user(), number, body["status"], source=Source.API))


@blp.route("/<int:number>/assignee", methods=["PUT"])
@blp.arguments(Assignment)
@blp.response(200, IncidentOut)
@blp.doc(parameters=_headers(IF_MATCH_DOC))
def assign(body, number):
    """Assign an incident (responders: themselves; managers: anyone; null: nobody)."""
    check_if_match(IncidentOut().dump(incidents.get_incident(current_user(), number)))
    return _shown(incidents.assign_incident(current_user(), number, body["assignee_id"], source=Source.API))


@blp.route("/<int:number>", methods=["DELETE"])
@blp.response(204)
def delete(number):
    """Delete an incident (admins); its timeline stays."""
    incidents.delete_incident(current_user(), number, source=Source.API)
    return Response(status=204)
