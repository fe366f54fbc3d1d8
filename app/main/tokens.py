"""Personal access tokens on the profile: make one (shown once), see them, revoke them."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.forms import ActionForm, apply_errors
from app.main import bp
from app.main.forms import TokenForm
from app.services import api_tokens
from app.services.core.errors import NotFound, ValidationError


def _page(form, new_token=None, status=200):
    return render_template("main/tokens.html", form=form, tokens=api_tokens.personal_tokens(current_user),
                           new_token=new_token, action_form=ActionForm()), status


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    try:
        token, raw = api_tokens.create_personal_token(current_user, name=form.name.data, scope=form.scope.data,
                                                      expires_in_days=form.expires_in_days.data)
    except ValidationError as error:
        apply_errors(form, error)
        return _page(form, status=422)
    flash(f"Token “{token.name}” created. Copy it now: it is not shown again.", "success")
    return _page(TokenForm(formdata=None), new_token=raw)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = api_tokens.revoke(current_user, token_id)
    except NotFound:
        abort(404)
    flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("main.tokens"))
