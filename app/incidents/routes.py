from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.forms import apply_errors
from app import live
from app.incidents import bp
from app.incidents.choices import fill_assign_form, fill_filter_form, fill_incident_form
from app.forms import ActionForm, CommentForm
from app.incidents.forms import AssignForm, DeclareForm, EscalateForm, FilterForm, IncidentForm
from app.incidents.forms import TransitionForm
from app.services import audit, incident_queries, incidents, sla, sla_escalation
from app.models import Incident
from app.services.live import list_version, record_version
from app.services.core import validation
from app.services.core.errors import InvalidTransition, ValidationError


@bp.before_request
@login_required
def require_login():
    """Every incident page needs a signed-in user."""


def _int(name):
    try:
        return validation.optional_id(request.args.get(name), name)
    except ValidationError:
        return None


FILTERS = ("q", "status", "severity", "assignee_id", "product_area_id", "sla")


def _listing():
    """The incident list for the query string: its filter form, its page of rows and whether it is filtered."""
    form = fill_filter_form(FilterForm(request.args), current_user)
    if request.args:  # a field that does not validate is shown with its error and ignored; no filters, no errors
        form.validate()
    filters = incident_queries.IncidentFilters(
        status=form.status.data if form.status.data in dict(form.status.choices) else None,
        severity=form.severity.data if form.severity.data in dict(form.severity.choices) else None,
        assignee_id=_int("assignee_id"), product_area_id=_int("product_area_id"),
        q=None if form.q.errors else (form.q.data or "")[:100], sort=form.sort.data or "newest",
        sla=form.sla.data if form.sla.data in dict(form.sla.choices) else None,
        page=validation.page_number(request.args.get("page")), per_page=current_app.config["PER_PAGE"],
    )
    return dict(page=incident_queries.incident_rows(current_user, filters), form=form,
                filtered=any(request.args.get(k) for k in FILTERS))


def _list_etag(version=None):
    return live.etag("incidents?" + live.query_key(), version or list_version(current_user, Incident))


@bp.route("/")
def index():
    listing, version = live.versioned(_listing, Incident)
    poller = live.poller(url_for("incidents.live_list", **request.args), _list_etag(version))
    return render_template("incidents/index.html", **listing, live=poller)


@bp.route("/live")
def live_list():
    """The rows of the incident list for the same query string, or 304 if none changed."""
    return live.fragment(_list_etag(), "incidents/_results.html", _listing)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = fill_incident_form(DeclareForm(), current_user)
    if form.validate_on_submit():
        try:
            incident = incidents.declare_incident(
                current_user, title=form.title.data, description=form.description.data,
                severity=form.severity.data, product_area_id=form.product_area_id.data,
                commander_id=form.commander_id.data,
                org_id=form.org_id.data if "org_id" in form else None)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"{incident.reference} declared.", "success")
            return redirect(url_for("incidents.detail", number=incident.number))
    return render_template("incidents/form.html", form=form, title="Declare an incident")


@bp.route("/<int:number>")
def detail(number):
    return _page(number)


def _etag(number):
    """The ETag of what an incident's page shows now (taken before the page reads the record)."""
    return live.etag(f"incident/{number}", record_version(current_user, Incident, number))


def _parts(incident):
    """What the incident page and its live fragment both show."""
    return dict(incident=incident, transitions=incidents.allowed_transitions(current_user, incident),
                can_take=incidents.can_take(current_user, incident),
                timeline=audit.timeline("incident", incident.id), comments=incidents.comments_for(incident),
                transition_form=TransitionForm(), action_form=ActionForm(), sla=sla.clocks(incident))


def _page(number, *, assign_form=None, comment_form=None, escalate_form=None):
    """The incident's page; a refused form comes back with its input and the reason at its field."""
    live_poller = live.poller(url_for("incidents.live_parts", number=number), _etag(number))
    incident = incidents.get_incident(current_user, number)
    assign_form = fill_assign_form(assign_form or AssignForm(assignee_id=str(incident.assignee_id or "")),
                                   current_user, incident)
    return render_template("incidents/detail.html", **_parts(incident), live=live_poller,
                           assign_form=assign_form, comment_form=comment_form or CommentForm(),
                           escalate_form=escalate_form or EscalateForm())


@bp.route("/<int:number>/live")
def live_parts(number):
    """The changing parts of an incident's page, or 304 if the browser's copy is current."""
    if request.args.get("parts") == "none":  # the edit page only wants to know whether it changed
        return live.fragment(_etag(number), None, None)
    return live.fragment(_etag(number), "incidents/live.html",
                         lambda: _parts(incidents.get_incident(current_user, number)))


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
def edit(number):
    live_poller = live.poller(url_for("incidents.live_parts", number=number, parts="none"), _etag(number))
    incident = incidents.get_incident(current_user, number)
    form = fill_incident_form(IncidentForm(obj=incident, severity=incident.severity.value,
                                           product_area_id=str(incident.product_area_id or ""),
                                           commander_id=str(incident.commander_id or "")),
                              current_user, incident.org_id)
    if "org_id" in form:
        del form.org_id
    if form.validate_on_submit():
        try:
            incidents.edit_incident(current_user, number, title=form.title.data,
                                    description=form.description.data, severity=form.severity.data,
                                    product_area_id=form.product_area_id.data,
                                    commander_id=form.commander_id.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash("Incident updated.", "success")
            return redirect(url_for("incidents.detail", number=number))
    return render_template("incidents/form.html", form=form, incident=incident, live=live_poller,
                           title=f"Edit {incident.reference}")


def _act(number, action, success):
    """Run one service call for a POSTed button; flash its outcome and go back to the page."""
    try:
        action()
    except (InvalidTransition, ValidationError) as error:
        flash(error.message, "danger")
    else:
        flash(success, "success")
    return redirect(url_for("incidents.detail", number=number))


def _submit(number, form, name, success, action):
    """Run one service call for a valid *form*; a refusal comes back on the page at the form's fields."""
    if form.validate_on_submit():
        try:
            action()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(success, "success")
            return redirect(url_for("incidents.detail", number=number))
    return _page(number, **{name: form})


@bp.route("/<int:number>/transition", methods=["POST"])
def transition(number):
    form = TransitionForm()
    if not form.validate_on_submit():
        flash("That button was out of date. Please try again.", "warning")
        return redirect(url_for("incidents.detail", number=number))
    return _act(number, lambda: incidents.transition_incident(
        current_user, number, form.target.data, expected_status=form.expected_status.data or None),
        f"Status changed to {form.target.data}.")


@bp.route("/<int:number>/assign", methods=["POST"])
def assign(number):
    form = AssignForm()
    return _submit(number, form, "assign_form", "Assignment updated.",
                   lambda: incidents.assign_incident(current_user, number, form.assignee_id.data))


@bp.route("/<int:number>/take", methods=["POST"])
def take(number):
    if not ActionForm().validate_on_submit():
        flash("That button was out of date. Please try again.", "warning")
        return redirect(url_for("incidents.detail", number=number))
    return _act(number, lambda: incidents.assign_incident(current_user, number, current_user.id),
                "You are now the assignee.")


@bp.route("/<int:number>/comments", methods=["POST"])
def comment(number):
    form = CommentForm()
    return _submit(number, form, "comment_form", "Comment added.",
                   lambda: incidents.comment_on_incident(current_user, number, form.body.data))


@bp.route("/<int:number>/escalate", methods=["POST"])
def escalate(number):
    form = EscalateForm()
    return _submit(number, form, "escalate_form", "Escalated: the managers, commander and assignee are told.",
                   lambda: sla_escalation.escalate_incident(current_user, number, form.reason.data, form.steps.data))


@bp.route("/<int:number>/delete", methods=["POST"])
def delete(number):
    if not ActionForm().validate_on_submit():
        flash("The delete form expired. Please try again.", "warning")
        return redirect(url_for("incidents.detail", number=number))
    incidents.delete_incident(current_user, number)
    flash(f"INC-{number} deleted.", "success")
    return redirect(url_for("incidents.index"))
