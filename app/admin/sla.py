"""Admin: SLA policies (the default and each customer's), their calendars and targets."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.sla_forms import NewPolicyForm, policy_form
from app.decorators import permission_required
from app.forms import apply_errors
from app.incidents.choices import staff_choices
from app.services import accounts, sla_policies
from app.services.core.errors import ValidationError
from app.services.core.permissions import Permission


def _new_form():
    form = NewPolicyForm()
    form.org_id.choices = [(str(o.id), o.name) for o in accounts.list_organizations() if not o.is_provider]
    return form


@bp.route("/sla", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SLAS)
def sla_policies_page():
    form = _new_form()
    if form.validate_on_submit():
        try:
            policy = sla_policies.create_policy(current_user, form.org_id.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"{policy.name} created from the default policy: adjust it below.", "success")
            return redirect(url_for("admin.sla_policy", policy_id=policy.id))
    return render_template("admin/sla_policies.html", policies=sla_policies.list_policies(current_user), form=form)


@bp.route("/sla/<int:policy_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SLAS)
def sla_policy(policy_id):
    policy = sla_policies.get_policy(current_user, policy_id)
    form = policy_form(policy, staff_choices(policy.org_id or current_user.org_id),
                       request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            recounted = sla_policies.update_policy(current_user, policy.id, request.form.to_dict())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"{policy.name} saved; {recounted} open record(s) recounted under it.", "success")
            return redirect(url_for("admin.sla_policy", policy_id=policy.id))
    return render_template("admin/sla_policy.html", policy=policy, form=form, weekdays=sla_policies.WEEKDAYS)
