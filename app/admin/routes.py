from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.admin import bp
from app.admin.forms import EditUserForm, OrganizationForm, PostmortemRuleForm, ProductAreaForm, SlackChannelsForm
from app.admin.forms import TicketOptionForm
from app.admin.forms import UserForm
from app.decorators import permission_required
from app.forms import ActionForm, apply_errors
from app.services import accounts, ticket_options
from app.services.core import validation
from app.services.core.errors import ValidationError
from app.services.core.permissions import Permission


@bp.before_request
@permission_required(Permission.MANAGE_USERS)
def require_admin():
    """Every admin page is for admins only."""


def _org_choices(form):
    form.org_id.choices = [(str(o.id), o.name) for o in accounts.list_organizations()]
    return form


@bp.route("/users")
def users():
    q = request.args.get("q", "")[:100]
    try:
        page = accounts.list_users(current_user, q=q, page=validation.page_number(request.args.get("page")),
                                   per_page=current_app.config["PER_PAGE"])
    except ValidationError as error:
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for("admin.users"))
    return render_template("admin/users.html", page=page, q=q, action_form=ActionForm())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _org_choices(UserForm(org_id=str(current_user.org_id)))
    if form.validate_on_submit():
        try:
            user = accounts.create_user(current_user, email=form.email.data,
                                        display_name=form.display_name.data,
                                        password=form.password.data, role=form.role.data,
                                        org_id=form.org_id.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Created {user.email}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, title="New user")


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id):
    user = accounts.get_user(current_user, user_id)
    form = _org_choices(EditUserForm(obj=user, role=user.role.value, org_id=str(user.org_id)))
    if form.validate_on_submit():
        try:
            accounts.update_user(current_user, user_id, email=form.email.data,
                                 display_name=form.display_name.data, role=form.role.data,
                                 org_id=form.org_id.data, active=form.active.data,
                                 password=form.password.data or None)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if user.id == current_user.id and form.password.data:
                login_user(current_user._get_current_object())  # a new password ends only the other sessions
            flash(f"Saved {form.email.data}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, title=f"Edit {user.email}")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id):
    if ActionForm().validate_on_submit():
        try:
            user = accounts.deactivate_user(current_user, user_id)
        except ValidationError as error:
            flash(error.message, "danger")
        else:
            flash(f"{user.email} can no longer sign in.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/organizations", methods=["GET", "POST"])
def organizations():
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            org = accounts.create_organization(current_user, name=form.name.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Added {org.name}.", "success")
            return redirect(url_for("admin.organizations"))
    return render_template("admin/organizations.html", form=form, channels_form=SlackChannelsForm(),
                           rule_form=PostmortemRuleForm(),
                           organizations=accounts.list_organizations())


@bp.post("/organizations/<int:org_id>/slack-channels")
def slack_channels(org_id):
    form = SlackChannelsForm()
    if not form.validate_on_submit():
        flash("Choose private or public incident channels.", "danger")
        return redirect(url_for("admin.organizations"))
    org = accounts.set_slack_channels_private(current_user, org_id, form.private.data == "1")
    kind = "private" if org.slack_channels_private else "public"
    flash(f"{org.name}'s incident channels in Slack will be {kind}.", "success")
    return redirect(url_for("admin.organizations"))


@bp.post("/organizations/<int:org_id>/postmortem-rule")
def postmortem_rule(org_id):
    form = PostmortemRuleForm()
    if not form.validate_on_submit():
        flash("Choose whether closing needs a published postmortem.", "danger")
        return redirect(url_for("admin.organizations"))
    org = accounts.set_postmortem_required_to_close(current_user, org_id, form.required.data == "1")
    rule = "need" if org.postmortem_required_to_close else "no longer need"
    flash(f"Closing {org.name}'s incidents will {rule} a published postmortem with owned action items.", "success")
    return redirect(url_for("admin.organizations"))


@bp.route("/product-areas", methods=["GET", "POST"])
def product_areas():
    form = ProductAreaForm()
    form.owner_ids.choices = [(str(u.id), f"{u.display_name} ({u.email})")
                              for u in accounts.list_users(current_user, per_page=500).items]
    if form.validate_on_submit():
        try:
            area = accounts.create_product_area(current_user, name=form.name.data,
                                                description=form.description.data,
                                                owner_ids=form.owner_ids.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Added {area.name}.", "success")
            return redirect(url_for("admin.product_areas"))
    return render_template("admin/product_areas.html", form=form, areas=accounts.list_product_areas())


@bp.route("/<any(campaigns, 'issue-types'):kind>", methods=["GET", "POST"], endpoint="ticket_options")
def option_list(kind):
    form = TicketOptionForm()
    if form.validate_on_submit():
        try:
            option = ticket_options.create_option(current_user, kind, name=form.name.data,
                                                  position=form.position.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Added {option.name}.", "success")
            return redirect(url_for("admin.ticket_options", kind=kind))
    return render_template("admin/ticket_options.html", form=form, kind=kind, label=ticket_options.LABELS[kind],
                           options=ticket_options.list_options(kind), action_form=ActionForm())


@bp.route("/<any(campaigns, 'issue-types'):kind>/<int:option_id>", methods=["POST"])
def update_ticket_option(kind, option_id):
    form = TicketOptionForm()
    if not form.validate_on_submit():
        flash(" ".join(e for field in form for e in field.errors) or "The form expired. Please try again.", "danger")
        return redirect(url_for("admin.ticket_options", kind=kind))
    try:
        option = ticket_options.update_option(current_user, kind, option_id, name=form.name.data,
                                              position=form.position.data, active=form.active.data)
    except ValidationError as error:
        flash(error.message, "danger")
    else:
        flash(f"Saved {option.name}.", "success")
    return redirect(url_for("admin.ticket_options", kind=kind))
