from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.forms import ActionForm, apply_errors
from app.postmortems import bp
from app.postmortems.forms import ActionItemForm, PostmortemForm, SearchForm
from app.services import postmortem_actions, postmortem_queries, postmortems
from app.services.core import validation
from app.services.core.errors import InvalidTransition, ValidationError


@bp.before_request
@login_required
def require_login():
    """Every postmortem page needs a signed-in user."""


@bp.route("/")
def index():
    form = SearchForm(request.args)
    form.validate()  # a field that does not validate is shown with its error and ignored
    filters = postmortem_queries.PostmortemFilters(
        q=None if form.q.errors else form.q.data, status=None if form.status.errors else form.status.data,
        page=validation.page_number(request.args.get("page")), per_page=current_app.config["PER_PAGE"])
    page = postmortem_queries.list_postmortems(current_user, filters)
    return render_template("postmortems/index.html", page=page, form=form,
                           staff=postmortems.can_read_internal(current_user))


@bp.route("/<int:number>")
def view(number, action_form=None):
    postmortem = postmortems.get_postmortem(current_user, number)
    incident = postmortem.incident
    writer = postmortems.can_write(current_user, incident)
    if writer and action_form is None:
        action_form = ActionItemForm()
    if action_form is not None:
        action_form.owner_id.choices = [("", "No owner yet")] + [
            (str(u.id), u.display_name) for u in postmortem_actions.possible_owners(incident)]
    return render_template("postmortems/view.html", postmortem=postmortem, incident=incident, can_write=writer,
                           sections=postmortems.sections_for(current_user), action_form=action_form,
                           items=postmortem_queries.action_items_of(postmortem),
                           blockers=postmortem_actions.closing_blockers(incident), button_form=ActionForm())


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
def edit(number):
    postmortem = postmortems.get_postmortem(current_user, number)
    postmortems.require_writer(current_user, postmortem)
    form, clashes = PostmortemForm(), []
    if request.method == "GET":
        _fill(form, postmortem, {s.key: getattr(postmortem, s.key) for s in postmortems.sections_for(current_user)})
    elif form.validate_on_submit():
        texts = {s.key: form[s.key].data for s in postmortems.sections_for(current_user)}
        try:
            postmortems.edit_postmortem(current_user, number, texts=texts, base_version=form.base_version.data,
                                        base_hashes={k: form[f"base_{k}"].data for k in texts})
        except postmortems.EditConflict as conflict:
            clashes = conflict.clashes
            _fill(form, postmortems.get_postmortem(current_user, number), _merged(form, texts, conflict))
            apply_errors(form, conflict)
            flash(conflict.errors[""], "danger")
        except ValidationError as error:
            for message in apply_errors(form, error):
                flash(message, "danger")
        else:
            flash("Postmortem saved.", "success")
            return redirect(url_for("postmortems.view", number=number))
    return render_template("postmortems/edit.html", form=form, postmortem=postmortem, incident=postmortem.incident,
                           sections=postmortems.sections_for(current_user), clashes=clashes)


def _fill(form, postmortem, texts):
    """Put *texts* in the editor, starting from *postmortem* as saved now (its version and hashes)."""
    form.base_version.data = str(postmortem.version)
    for key, text in texts.items():
        form[key].data = text
        form[f"base_{key}"].data = postmortems.section_hash(getattr(postmortem, key))


def _merged(form, texts, conflict):
    """After a conflict: the editor's own changes kept, sections it did not touch as saved meanwhile."""
    saved = conflict.postmortem
    return {key: (text if postmortems.section_hash(text) != form[f"base_{key}"].data
                  else getattr(saved, key)) for key, text in conflict.texts.items()}


@bp.post("/<int:number>/actions")
def add_action(number):
    form = ActionItemForm()
    form.owner_id.choices = []  # the service checks the owner
    if form.validate_on_submit():
        try:
            item = postmortem_actions.add_action_item(
                current_user, number, title=form.title.data, owner_id=form.owner_id.data,
                due_on=form.due_on.data, priority=form.priority.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(f"Action item {item.ticket.reference} added.", "success")
            return redirect(url_for("postmortems.view", number=number, _anchor="action-items"))
    return view(number, action_form=form)


def _button(number, action, success):
    """Run one service call for a POSTed button; flash its outcome and go back to the postmortem."""
    if not ActionForm().validate_on_submit():
        flash("That button was out of date. Please try again.", "warning")
    else:
        try:
            action()
        except (InvalidTransition, ValidationError) as error:
            flash(error.message, "danger")
        else:
            flash(success, "success")
    return redirect(url_for("postmortems.view", number=number))


@bp.post("/<int:number>/start")
def start(number):
    return _button(number, lambda: postmortems.start_postmortem(current_user, number), "Postmortem drafted.")


@bp.post("/<int:number>/key-events")
def key_events(number):
    if not ActionForm().validate_on_submit():
        flash("That button was out of date. Please try again.", "warning")
    else:
        added = postmortems.add_new_key_events(current_user, number)
        flash(f"Added {added} key event{'s' if added != 1 else ''} to the timeline." if added
              else "The timeline already lists every key event.", "success" if added else "info")
    return redirect(url_for("postmortems.view", number=number))


@bp.post("/<int:number>/publish")
def publish(number):
    return _button(number, lambda: postmortems.publish_postmortem(current_user, number), "Postmortem published.")


@bp.post("/<int:number>/unpublish")
def unpublish(number):
    return _button(number, lambda: postmortems.unpublish_postmortem(current_user, number),
                   "Postmortem back to draft: customers no longer see it.")


@bp.route("/<int:number>/export.md")
def export(number):
    filename, text = postmortem_queries.export_markdown(current_user, number)
    return Response(text, mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/<int:number>/comments/<int:comment_id>/key")
def key_comment(number, comment_id):
    form = ActionForm()
    if form.validate_on_submit():
        key = request.form.get("key") == "1"
        postmortems.mark_key_comment(current_user, number, comment_id, key)
        flash("Marked as key: the postmortem's timeline lists it." if key else "No longer a key comment.",
              "success")
    else:
        flash("That button was out of date. Please try again.", "warning")
    return redirect(url_for("incidents.detail", number=number, _anchor=f"comment-{comment_id}"))
