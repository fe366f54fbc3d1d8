from flask import render_template, request
from flask_login import current_user

from app.analytics import bp
from app.decorators import permission_required
from app.services.analytics import PERIODS, incident_report
from app.services.core.permissions import Permission


@bp.route("/")
@permission_required(Permission.VIEW_ANALYTICS)
def index():
    period = request.args.get("days", "90")
    report = incident_report(current_user, PERIODS.get(period, 90))
    return render_template("analytics/index.html", report=report, periods=PERIODS)
