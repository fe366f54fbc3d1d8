from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.forms import apply_errors
from app.preferences import bp
from app.preferences.forms import NotificationPreferencesForm
from app.services import notification_settings
from app.services.core.errors import ValidationError


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    kinds = notification_settings.kinds_for(current_user)
    off = notification_settings.turned_off(current_user.id)
    form = NotificationPreferencesForm(kinds=[kind.name for kind in kinds if kind.optional and kind.name not in off])
    form.kinds.choices = [(kind.name, kind.label) for kind in kinds if kind.optional]
    if form.validate_on_submit():
        try:
            notification_settings.save_preferences(current_user, form.kinds.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash("Your notification preferences are saved.", "success")
            return redirect(url_for("preferences.notifications"))
    return render_template("preferences/notifications.html", form=form, kinds=kinds)
