"""Admin: organization service tokens, each acting as a service account of its organization."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import ServiceTokenForm
from app.forms import ActionForm, apply_errors
from app.services import accounts, api_tokens
from app.services.core.errors import NotFound, ValidationError


def _page(form, new_token=None, status=200):
    return render_template("admin/service_tokens.html", form=form, new_token=new_token, action_form=ActionForm(),
                           tokens=api_tokens.service_tokens(current_user)), status


def _form(**kwargs):
    form = ServiceTokenForm(**kwargs)
    form.org_id.choices = [(org.id, org.name) for org in accounts.list_organizations()]
    return form


@bp.route("/service-tokens", methods=["GET", "POST"])
def service_tokens():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    try:
        token, raw = api_tokens.create_service_token(current_user, org_id=form.org_id.data, name=form.name.data,
                                                     role=form.role.data, scope=form.scope.data,
                                                     expires_in_days=form.expires_in_days.data)
    except ValidationError as error:
        apply_errors(form, error)
        return _page(form, status=422)
    flash(f"Service token for “{token.name}” created. Copy it now: it is not shown again.", "success")
    return _page(_form(formdata=None), new_token=raw)


@bp.route("/service-tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_service_token(token_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = api_tokens.revoke(current_user, token_id)
    except NotFound:
        abort(404)
    flash(f"Token “{token.name}” revoked and its service account deactivated.", "success")
    return redirect(url_for("admin.service_tokens"))
