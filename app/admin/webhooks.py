"""Admin: webhook endpoints per organization, their delivery log, and a test event."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import WebhookForm
from app.forms import ActionForm, apply_errors
from app.services import accounts, webhooks
from app.services.core.errors import ValidationError


def _form(endpoint=None, **kwargs):
    form = WebhookForm(obj=endpoint, **kwargs)
    form.org_id.choices = [(org.id, org.name) for org in accounts.list_organizations()]
    form.events.choices = [(e, f"{e} (every {e.split('.')[0]} event)") for e in webhooks.PATTERNS] + \
        [(e, e) for e in webhooks.EVENT_TYPES]
    if endpoint is not None and not form.is_submitted():
        form.events.data = endpoint.event_list
    return form


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks_index():
    form = _form()
    new_secret = None
    if form.validate_on_submit():
        try:
            endpoint, new_secret = webhooks.create_endpoint(current_user, org_id=form.org_id.data, url=form.url.data,
                                                            events=form.events.data,
                                                            description=form.description.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Endpoint added for {endpoint.org.name}. Copy its signing secret now: it is not shown again.",
                  "success")
            form = _form(formdata=None)
    status = 422 if form.is_submitted() and new_secret is None else 200
    return render_template("admin/webhooks.html", form=form, new_secret=new_secret,
                           endpoints=webhooks.list_endpoints(current_user)), status


@bp.route("/webhooks/<int:endpoint_id>", methods=["GET", "POST"])
def webhook(endpoint_id):
    endpoint = webhooks.get_endpoint(current_user, endpoint_id)
    form = _form(endpoint)
    form.org_id.render_kw = {"disabled": True}
    if form.validate_on_submit():
        try:
            webhooks.update_endpoint(current_user, endpoint.id, url=form.url.data, events=form.events.data,
                                     description=form.description.data, active=form.active.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash("Endpoint saved.", "success")
            return redirect(url_for("admin.webhook", endpoint_id=endpoint.id))
    return render_template("admin/webhook.html", endpoint=endpoint, form=form, action_form=ActionForm(),
                           attempts=webhooks.attempts_of(endpoint)), 422 if form.is_submitted() else 200


@bp.route("/webhooks/<int:endpoint_id>/test", methods=["POST"])
def webhook_test(endpoint_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    endpoint = webhooks.send_test(current_user, endpoint_id)
    flash("A test event is on its way; its attempt appears below in a moment.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint.id))


@bp.route("/webhooks/<int:endpoint_id>/delete", methods=["POST"])
def webhook_delete(endpoint_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    webhooks.delete_endpoint(current_user, endpoint_id)
    flash("Endpoint deleted.", "success")
    return redirect(url_for("admin.webhooks_index"))
