from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from app import live
from app.extensions import login_manager
from app.forms import apply_errors
from app.main import bp
from app.main.forms import PasswordForm, ProfileForm
from app.models import Incident
from app.extensions import db
from app.services import references
from app.services.dashboard import overview
from app.services.live import dashboard_version
from app.services.core.errors import ValidationError
from app.services.profile import change_password, update_profile
from app.services.sessions import user_for_session


@login_manager.user_loader
def load_user(session_id):
    return user_for_session(session_id)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    numbers = overview(current_user)  # its counts carry the live version
    poller = live.poller(url_for("main.live_dashboard"), live.etag("dashboard", numbers.version))
    return render_template("main/index.html", overview=numbers, live=poller)


def _dashboard_etag():
    return live.etag("dashboard", dashboard_version(current_user))


@bp.route("/dashboard/live")
@login_required
def live_dashboard():
    """The dashboard's numbers and latest incidents, or 304 if none changed."""
    return live.fragment(_dashboard_etag(), "main/_dashboard.html", lambda: {"overview": overview(current_user)})


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico wherever they are (a download, an error page)."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/go")
@login_required
def go():
    """Open the incident or ticket whose number was typed in the navbar box."""
    record = references.find(current_user, request.args.get("number", "")[:40])
    endpoint = "incidents.detail" if isinstance(record, Incident) else "tickets.detail"
    return redirect(url_for(endpoint, number=record.number))


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, default_zone=current_app.config["TIMEZONE"])
    if form.validate_on_submit():
        try:
            update_profile(current_user, display_name=form.display_name.data, timezone=form.timezone.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("main.profile"))
    return render_template("main/profile.html", form=form, password_form=PasswordForm())


@bp.route("/profile/password", methods=["POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, current_password=form.current_password.data,
                            new_password=form.new_password.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Every other session has ended; this one carries on under the new session id.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("Password changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("main.profile"))
    profile_form = ProfileForm(obj=current_user, default_zone=current_app.config["TIMEZONE"])
    return render_template("main/profile.html", form=profile_form, password_form=form)
