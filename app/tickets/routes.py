from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from app import live
from app.decorators import permission_required
from app.forms import apply_errors
from app.incidents.choices import fill_assign_form
from app.services import attachments, audit, promotion, sla, sla_escalation, tickets
from app.models import Ticket
from app.services.core import validation
from app.services.live import list_version, record_version
from app.services.core.errors import InvalidTransition, ValidationError
from app.services.core.permissions import Permission
from app.services.uploads import safe_filename
from app.services.ticket_queries import TicketFilters, export_rows, ticket_rows, ticket_summary
from app.tickets import bp
from app.tickets.choices import fill_filter_form, fill_promote_form, fill_ticket_form
from app.tickets.export import stream_csv
from app.forms import ActionForm, CommentForm
from app.tickets.forms import AssignForm, EscalateForm, FilterForm, NewTicketForm, PromoteForm
from app.tickets.forms import TicketForm
from app.tickets.forms import TransitionForm

FILTER_FIELDS = ("q", "status", "priority", "campaign_id", "issue_type_id", "assignee_id", "created_from",
                 "created_to", "sla")


@bp.before_request
@login_required
def require_login():
    """Every ticket page needs a signed-in user."""


def _filters(scope):
    """The list filters from the query string; a field that does not validate is shown and ignored."""
    form = fill_filter_form(FilterForm(request.args), current_user)
    if request.args:  # every filter is optional: with none given there is nothing to check
        form.validate()
    value = lambda name: None if getattr(form, name).errors else getattr(form, name).data or None
    if scope == "mine" and request.args.get("scope") in ("raised", "assigned"):
        scope = request.args["scope"]
    return form, TicketFilters(scope=scope, **{name: value(name) for name in FILTER_FIELDS},
                               sort=value("sort") or "newest", page=validation.page_number(request.args.get("page")),
                               per_page=current_app.config["PER_PAGE"])


def _listing(scope):
    form, filters = _filters(scope)
    try:
        page = ticket_rows(current_user, filters)
    except ValidationError as error:
        apply_errors(form, error)
        page = None
    return dict(page=page, form=form, scope=filters.scope, filtered=any(request.args.get(k) for k in FILTER_FIELDS))


def _list_etag(scope, version=None):
    return live.etag(f"tickets/{scope}?" + live.query_key(), version or list_version(current_user, Ticket))


def _list_page(scope, live_endpoint):
    listing, version = live.versioned(lambda: _listing(scope), Ticket)
    poller = live.poller(url_for(live_endpoint, **request.args), _list_etag(scope, version))
    return render_template("tickets/index.html", **listing, live=poller)


@bp.route("/")
@permission_required(Permission.WORK)
def index():
    return _list_page("all", "tickets.live_list")


@bp.route("/mine")
def mine():
    return _list_page("mine", "tickets.live_mine")


@bp.route("/live")
@permission_required(Permission.WORK)
def live_list():
    """The rows of All tickets for the same query string, or 304 if none changed."""
    return live.fragment(_list_etag("all"), "tickets/_results.html", lambda: _listing("all"))


@bp.route("/mine/live")
def live_mine():
    """The rows of My tickets for the same query string, or 304 if none changed."""
    return live.fragment(_list_etag("mine"), "tickets/_results.html", lambda: _listing("mine"))


@bp.route("/export.csv")
def export():
    _, filters = _filters("mine" if request.args.get("scope") in ("mine", "raised", "assigned") else "all")
    rows = export_rows(current_user, filters)
    try:
        header = next(rows)  # checks permission and filters before the response starts
    except ValidationError as error:
        flash(error.message, "danger")
        return redirect(url_for("tickets.index" if filters.scope == "all" else "tickets.mine"))
    return Response(stream_with_context(stream_csv(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=tickets.csv"})


@bp.route("/summary")
@permission_required(Permission.WORK)
def summary():
    return render_template("tickets/summary.html", summary=ticket_summary(current_user))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = fill_ticket_form(NewTicketForm(), current_user)
    if form.validate_on_submit():
        try:
            ticket = tickets.create_ticket(
                current_user, title=form.title.data, priority=form.priority.data, details=form.details.data,
                campaign_id=form.campaign_id.data, issue_type_id=form.issue_type_id.data,
                external_url=form.external_url.data, org_id=form.org_id.data if "org_id" in form else None,
                screenshot=form.file.data or None)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"{ticket.reference} raised. We will keep you posted here.", "success")
            return redirect(url_for("tickets.detail", number=ticket.number))
    elif form.file.data:  # say what is wrong with the file too, not only with the other fields
        try:
            attachments.prepare_upload(form.file.data)
        except ValidationError as error:
            apply_errors(form, error)
    if form.file.data and not form.file.errors:
        form.file.errors = [f"{safe_filename(form.file.data.filename)} was not attached: a browser cannot keep "
                            "a chosen file when the form comes back, so choose it again."]
    return render_template("tickets/form.html", form=form, title="Raise a ticket")


@bp.route("/<int:number>")
def detail(number):
    return _page(number)


def _etag(number):
    """The ETag of what a ticket's page shows now (taken before the page reads the record)."""
    return live.etag(f"ticket/{number}", record_version(current_user, Ticket, number))


def _parts(ticket):
    """What the ticket page and its live fragment both show."""
    return dict(ticket=ticket, transitions=tickets.allowed_transitions(current_user, ticket),
                can_take=tickets.can_take(current_user, ticket), timeline=audit.timeline("ticket", ticket.id),
                comments=tickets.comments_for(ticket), transition_form=TransitionForm(), action_form=ActionForm(),
                sla=sla.clocks(ticket))


def _page(number, *, assign_form=None, transition_form=None, comment_form=None, escalate_form=None):
    """The ticket's page; a refused form comes back with its input and the reason at its field."""
    live_poller = live.poller(url_for("tickets.live_parts", number=number), _etag(number))
    ticket = tickets.get_ticket(current_user, number)
    assign_form = fill_assign_form(assign_form or AssignForm(assignee_id=str(ticket.assignee_id or "")),
                                   current_user, ticket)
    return render_template(
        "tickets/detail.html", **dict(_parts(ticket), transition_form=transition_form or TransitionForm()),
        live=live_poller, assign_form=assign_form, comment_form=comment_form or CommentForm(),
        promote_form=fill_promote_form(PromoteForm()), escalate_form=escalate_form or EscalateForm())


@bp.route("/<int:number>/live")
def live_parts(number):
    """The changing parts of a ticket's page, or 304 if the browser's copy is current."""
    if request.args.get("parts") == "none":  # the edit page only wants to know whether it changed
        return live.fragment(_etag(number), None, None)
    return live.fragment(_etag(number), "tickets/live.html", lambda: _parts(tickets.get_ticket(current_user, number)))


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
def edit(number):
    live_poller = live.poller(url_for("tickets.live_parts", number=number, parts="none"), _etag(number))
    ticket = tickets.get_ticket(current_user, number)
    form = fill_ticket_form(TicketForm(obj=ticket, priority=ticket.priority.value,
                                       campaign_id=str(ticket.campaign_id or ""),
                                       issue_type_id=str(ticket.issue_type_id or "")), current_user, ticket)
    if form.validate_on_submit():
        try:
            tickets.edit_ticket(current_user, number, title=form.title.data, details=form.details.data,
                                priority=form.priority.data, campaign_id=form.campaign_id.data,
                                issue_type_id=form.issue_type_id.data, external_url=form.external_url.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash("Ticket updated.", "success")
            return redirect(url_for("tickets.detail", number=number))
    return render_template("tickets/form.html", form=form, ticket=ticket, live=live_poller,
                           title=f"Edit {ticket.reference}")


def _act(number, form, action, success, keep=None):
    """Run one service call for a POSTed form; flash its outcome and go back to the ticket.

    With keep=(form name, fields), a refusal about one of those fields shows the page again
    instead: what was typed stays, and the reason sits at the field.
    """
    name, fields = keep or (None, ())
    if form.validate_on_submit():
        try:
            result = action()
        except (InvalidTransition, ValidationError) as error:
            if not set(getattr(error, "errors", ())) & set(fields):
                flash(error.message, "danger")
                return redirect(url_for("tickets.detail", number=number))
            apply_errors(form, error)
        else:
            flash(success, "success")
            return redirect(result if isinstance(result, str) else url_for("tickets.detail", number=number))
    elif not any(getattr(form, field).errors for field in fields):
        tickets.get_ticket(current_user, number)
        errors = [e for field in form for e in field.errors]
        flash(" ".join(errors) or "That form was out of date. Please try again.", "warning")
        return redirect(url_for("tickets.detail", number=number))
    return _page(number, **{name: form})


@bp.route("/<int:number>/transition", methods=["POST"])
def transition(number):
    form = TransitionForm()
    return _act(number, form, lambda: tickets.transition_ticket(
        current_user, number, form.target.data, expected_status=form.expected_status.data or None,
        resolution_notes=form.resolution_notes.data), "Status updated.",
        keep=("transition_form", ("resolution_notes",)))


@bp.route("/<int:number>/take", methods=["POST"])
def take(number):
    return _act(number, ActionForm(), lambda: tickets.assign_to_me(current_user, number),
                "The ticket is yours now.")


@bp.route("/<int:number>/assign", methods=["POST"])
def assign(number):
    form = AssignForm()
    return _act(number, form, lambda: tickets.reassign_ticket(
        current_user, number, form.assignee_id.data, comment=form.comment.data), "Assignment updated.",
        keep=("assign_form", ("assignee_id", "comment")))


@bp.route("/<int:number>/comments", methods=["POST"])
def comment(number):
    form = CommentForm()
    return _act(number, form, lambda: tickets.comment_on_ticket(current_user, number, form.body.data),
                "Comment added.", keep=("comment_form", ("body",)))


@bp.route("/<int:number>/promote", methods=["POST"])
def promote(number):
    form = fill_promote_form(PromoteForm())
    return _act(number, form, lambda: url_for("incidents.detail", number=promotion.promote_ticket(
        current_user, number, severity=form.severity.data or None,
        product_area_id=form.product_area_id.data).number), "Promoted: the incident is open and linked.")


@bp.route("/<int:number>/escalate", methods=["POST"])
def escalate(number):
    form = EscalateForm()
    return _act(number, form, lambda: sla_escalation.escalate_ticket(
        current_user, number, form.reason.data, form.steps.data),
        "Escalated: the managers, the escalation person and the assignee are told.",
        keep=("escalate_form", ("reason", "steps")))
