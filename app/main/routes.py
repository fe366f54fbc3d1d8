from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import login_manager
from app.main import bp
from app.models import User
from app.extensions import db
from app.services.dashboard import overview


@login_manager.user_loader
def load_user(user_id):
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/index.html", overview=overview(current_user))


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
