"""Admin: the Deliveries page (the outbox), with filters and retry."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.forms import ActionForm
from app.models import DeliveryState
from app.services import deliveries as outbox
from app.services.core import validation
from app.services.core.errors import InvalidTransition, ValidationError


@bp.route("/deliveries")
def deliveries():
    state, channel = request.args.get("state", "")[:20], request.args.get("channel", "")[:20]
    try:
        page = outbox.list_deliveries(current_user, state=state, channel=channel,
                                          page=validation.page_number(request.args.get("page")),
                                          per_page=current_app.config["PER_PAGE"])
    except ValidationError as error:
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for("admin.deliveries"))
    return render_template("admin/deliveries.html", page=page, state=state, channel=channel,
                           states=list(DeliveryState), channels=outbox.CHANNELS,
                           counts=outbox.counts_by_state(current_user), action_form=ActionForm())


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
def retry_delivery(delivery_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        delivery = outbox.retry_delivery(current_user, delivery_id)
    except InvalidTransition as error:
        flash(error.message, "warning")
    else:
        flash(f"Delivery {delivery.id} to {delivery.recipient} will be sent again.", "success")
    return redirect(request.form.get("next") if _safe(request.form.get("next")) else url_for("admin.deliveries"))


def _safe(target):
    return bool(target) and target.startswith("/admin/deliveries") and "//" not in target
