"""/api/v1/analytics: the summaries the web's analytics and ticket summary pages show."""
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api import problems
from app.api.auth import current_user, protect
from app.api.schemas.analytics import AnalyticsQuery, IncidentReport, TicketSummary
from app.services import analytics, ticket_queries

blp = Blueprint("api_analytics", __name__, url_prefix="/analytics", description="Summaries")
protect(blp)
problems.register(blp)


@blp.route("/incidents", methods=["GET"])
@blp.arguments(AnalyticsQuery, location="query", unknown=RAISE)
@blp.response(200, IncidentReport)
def incident_report(args):
    """Incidents declared in the last 30, 90 or 365 days: volume, MTTA and MTTR per severity (managers)."""
    return analytics.incident_report(current_user(), args["days"])


@blp.route("/tickets", methods=["GET"])
@blp.response(200, TicketSummary)
def ticket_summary():
    """Tickets by status and priority, urgent ones nobody holds, the oldest open (responders)."""
    return ticket_queries.ticket_summary(current_user())
