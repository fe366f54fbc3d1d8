"""/api/v1/analytics: what the analytics pages and the ticket summary show."""
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api import problems
from app.api.auth import current_user, protect
from app.api.schemas.analytics import AnalyticsQuery, IncidentReport, TicketReport, TicketSummary
from app.services import analytics, ticket_analytics, ticket_queries
from app.services.analytics_filters import scope_for

blp = Blueprint("api_analytics", __name__, url_prefix="/analytics", description="Summaries")
protect(blp)
problems.register(blp)


def _scope(args):
    return scope_for(current_user(), period=args["period"], date_from=args.get("date_from"),
                     date_to=args.get("date_to"), org_id=args.get("org_id"),
                     product_area_id=args.get("product_area_id"))


@blp.route("/incidents", methods=["GET"])
@blp.arguments(AnalyticsQuery, location="query", unknown=RAISE)
@blp.response(200, IncidentReport)
def incident_report(args):
    """Incidents of the period: MTTA and MTTR (median, p90) per severity, organization, area, commander (managers)."""
    return analytics.incident_report(current_user(), _scope(args))


@blp.route("/tickets", methods=["GET"])
@blp.arguments(AnalyticsQuery, location="query", unknown=RAISE)
@blp.response(200, TicketReport)
def ticket_report(args):
    """Tickets of the period: opened against resolved, the backlog and its age, resolution times (managers)."""
    return ticket_analytics.ticket_report(current_user(), _scope(args))


@blp.route("/ticket-summary", methods=["GET"])
@blp.response(200, TicketSummary)
def ticket_summary():
    """Tickets by status and priority, urgent ones nobody holds, the oldest open (responders)."""
    return ticket_queries.ticket_summary(current_user())
