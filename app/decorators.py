"""View decorators for permissions."""
from functools import wraps

from flask import abort, jsonify, request
from flask_login import current_user

from app.extensions import login_manager
from app.services.core.permissions import can


def permission_required(permission):
    """Refuse the view unless the signed-in user holds *permission*."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                if request.accept_mimetypes.best == "application/json":
                    return jsonify(error="forbidden"), 403
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
