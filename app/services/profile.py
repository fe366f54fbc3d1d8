"""A user's own settings: name, timezone and password."""
from functools import lru_cache
from zoneinfo import available_timezones

from app.extensions import db
from app.models import User
from app.services.core import validation
from app.services.accounts import PASSWORD_MAX, PASSWORD_MIN
from app.services.core.errors import ValidationError


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA timezone this machine knows, sorted."""
    return tuple(sorted(available_timezones()))


def _timezone(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in timezone_names():
        raise ValidationError({"timezone": "Choose a timezone from the list."})
    return value


def update_profile(actor: User, *, display_name, timezone) -> User:
    """Change *actor*'s display name and timezone (empty: the site default)."""
    name = validation.text(display_name, "display_name", max_length=100, label="Name")
    actor.display_name, actor.timezone = name, _timezone(timezone)
    db.session.commit()
    return actor


def change_password(actor: User, *, current_password, new_password) -> User:
    """Set a new password for *actor*, who must know the current one."""
    if not isinstance(current_password, str) or not actor.check_password(current_password):
        raise ValidationError({"current_password": "That is not your current password."})
    if not isinstance(new_password, str) or not (PASSWORD_MIN <= len(new_password) <= PASSWORD_MAX):
        raise ValidationError(
            {"new_password": f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters."})
    actor.set_password(new_password)
    actor.session_version += 1  # every other session and remember-me cookie ends with the old password
    db.session.commit()
    return actor
