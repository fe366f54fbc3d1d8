from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import login_manager
from app.forms import ActionForm, apply_errors
from app.integrations import bp
from app.integrations.forms import ChannelLinkForm, PagerDutyForm, RouteRuleForm
from app.services import accounts, channel_links, pagerduty_routing as routing, pagerduty_settings as settings
from app.services.core.errors import DomainError, NotFound, ValidationError
from app.services.core.permissions import Permission, can


@bp.before_request
def provider_admins_only():
    """Customers are not told these pages exist (404); the provider's other staff get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.org.is_provider:
        abort(404)
    if not can(current_user, Permission.MANAGE_USERS):
        abort(403)


def _link_form():
    form = ChannelLinkForm()
    form.org_id.choices = [(str(o.id), o.name) for o in accounts.list_organizations()]
    return form


@bp.get("/")
def index():
    return render_template("integrations/index.html", link_form=_link_form(), action_form=ActionForm(),
                           links=channel_links.list_links(current_user), orgs=settings.overview(current_user),
                           summary=settings.summary)


@bp.post("/channels")
def link_channel():
    form = _link_form()
    if form.validate_on_submit():
        try:
            link = channel_links.link_channel(current_user, form.channel_id.data, form.org_id.data,
                                              channel_name=form.channel_name.data)
        except ValidationError as error:
            for message in apply_errors(form, error):
                flash(message, "danger")
        else:
            flash(f"{link.channel_name or link.channel_id} now belongs to {link.org.name}.", "success")
            return redirect(url_for("integrations.index"))
    return render_template("integrations/index.html", link_form=form, action_form=ActionForm(),
                           links=channel_links.list_links(current_user), orgs=settings.overview(current_user),
                           summary=settings.summary), 400


@bp.post("/channels/<int:link_id>/unlink")
def unlink_channel(link_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        link = channel_links.unlink_channel(current_user, link_id)
    except NotFound:
        abort(404)
    flash(f"{link.channel_name or link.channel_id} is no longer linked; escalations there are refused.", "success")
    return redirect(url_for("integrations.index"))


def _org(org_id):
    try:
        return settings.load_org(current_user, org_id)
    except NotFound:
        abort(404)


@bp.route("/pagerduty/<int:org_id>", methods=["GET", "POST"])
def pagerduty(org_id):
    org = _org(org_id)
    integration = settings.own_integration(org.id)
    # Never obj=integration: the secret fields would be filled with the stored tokens.
    form = PagerDutyForm(data=None if integration is None else {
        "service_ids": "\n".join(s.service_id for s in integration.services),
        "default_severity": integration.default_severity.value, "paging_enabled": integration.paging_enabled})
    if form.validate_on_submit():
        try:
            settings.save_integration(current_user, org.id, **{name: form[name].data for name in (
                "clear_routing_keys", "clear_rest_token", "webhook_secret", "service_ids", "default_severity",
                "paging_enabled")}, routing_keys_text=form.routing_keys.data, rest_token_text=form.rest_token.data)
        except ValidationError as error:
            for message in apply_errors(form, error):
                flash(message, "danger")
        else:
            flash(f"Saved {org.name}'s PagerDuty settings.", "success")
            return redirect(url_for("integrations.pagerduty", org_id=org.id))
    return _pagerduty_page(org, integration, form)


def _route_form(position, areas, rule=None):
    """The rule form of routing key *position*: from the request, or filled with its saved *rule*."""
    if rule is None:
        form = RouteRuleForm(prefix=f"route{position}")
    else:
        form = RouteRuleForm(prefix=f"route{position}", formdata=None, data={
            "severities": rule.get("severities") or [],
            "product_area_ids": [str(a) for a in rule.get("product_area_ids") or []]})
    form.product_area_ids.choices = areas
    return form


def _pagerduty_page(org, integration, form):
    summary = settings.summary(integration)
    areas = [(str(a.id), a.name) for a in accounts.list_product_areas()]
    names = {int(area_id): name for area_id, name in areas}
    rules = routing.rules_of(integration) + [{}] * settings.MAX_ROUTING_KEYS
    routes = [(n, hint, routing.describe(rule, names), _route_form(n, areas, rule))
              for n, (hint, rule) in enumerate(zip(summary.get("routing_keys") or [], rules), start=1)]
    return render_template("integrations/pagerduty.html", org=org, form=form, integration=integration,
                           summary=summary, action_form=ActionForm(), routes=routes,
                           default=None if integration else settings.integration_for(org.id))


@bp.post("/pagerduty/<int:org_id>/routes/<int:position>")
def save_route(org_id, position):
    org = _org(org_id)
    form = _route_form(position, [(str(a.id), a.name) for a in accounts.list_product_areas()])
    if not form.validate_on_submit():
        abort(400)
    try:
        routing.save_rule(current_user, org.id, position, form.severities.data, form.product_area_ids.data)
    except NotFound:
        abort(404)
    except DomainError as error:  # a bad choice, or keys that can no longer be decrypted
        flash(error.message, "danger")
        return redirect(url_for("integrations.pagerduty", org_id=org.id))
    flash(f"Saved the rule of routing key {position}.", "success")
    return redirect(url_for("integrations.pagerduty", org_id=org.id))


@bp.post("/pagerduty/<int:org_id>/secrets/<int:position>/remove")
def remove_secret(org_id, position):
    org = _org(org_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        settings.remove_webhook_secret(current_user, org.id, position)
    except NotFound:
        abort(404)
    flash("That signing secret is no longer accepted.", "success")
    return redirect(url_for("integrations.pagerduty", org_id=org.id))


@bp.post("/pagerduty/<int:org_id>/delete")
def delete_pagerduty(org_id):
    org = _org(org_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    settings.delete_integration(current_user, org.id)
    flash(f"{org.name} now uses the provider's PagerDuty settings.", "success")
    return redirect(url_for("integrations.index"))
