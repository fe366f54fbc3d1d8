from flask import Response, abort, render_template, request
from flask_login import current_user

from app.analytics import bp
from app.analytics.csv import table_rows
from app.analytics.forms import FilterForm
from app.decorators import permission_required
from app.forms import apply_errors
from app.incidents.choices import area_choices
from app.services import analytics, ticket_analytics
from app.services.analytics_filters import organizations_for, scope_for
from app.services.core.errors import ValidationError
from app.services.core.permissions import Permission
from app.tickets.export import stream_csv

REPORTS = {"incidents": analytics.incident_report, "tickets": ticket_analytics.ticket_report}


def _filters():
    """The filter form from the query string, and the Scope it asks for (None, with errors at the fields, if wrong)."""
    form = FilterForm(request.args)
    form.org_id.choices = [("", "All organizations" if current_user.is_provider_staff else "Your organization")] + [
        (str(id_), name) for id_, name in organizations_for(current_user)]
    form.product_area_id.choices = area_choices("All product areas")
    form.validate()
    try:
        scope = scope_for(current_user, period=form.period.data or "90", date_from=request.args.get("date_from"),
                          date_to=request.args.get("date_to"), org_id=request.args.get("org_id"),
                          product_area_id=request.args.get("product_area_id"))
    except ValidationError as error:
        apply_errors(form, error)
        scope = None
    return form, scope


@bp.route("/", defaults={"kind": "incidents"})
@bp.route("/<any(incidents, tickets):kind>")
@permission_required(Permission.VIEW_ANALYTICS)
def index(kind):
    form, scope = _filters()
    report = REPORTS[kind](current_user, scope) if scope else None
    return render_template(f"analytics/{kind}.html", form=form, report=report, kind=kind)


@bp.route("/<any(incidents, tickets):kind>/<key>.csv")
@permission_required(Permission.VIEW_ANALYTICS)
def export(kind, key):
    """One table of a report as CSV, for the same filters as the page."""
    form, scope = _filters()
    if scope is None:
        abort(400, "Fix the filters on the analytics page first.")
    table = REPORTS[kind](current_user, scope).tables.get(key)
    if table is None:
        abort(404)
    header, rows = table_rows(table)
    return Response(stream_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={kind}-{key}.csv"})
