"""Sign-in sessions: which user a cookie stands for, and ending them for real."""
import re

from app.extensions import db
from app.models import User

SESSION_ID = re.compile(r"([1-9][0-9]{0,9}):([0-9]{1,10})")


def user_for_session(session_id) -> User | None:
    """The active user a session or remember-me cookie names, if it has not been ended since."""
    match = SESSION_ID.fullmatch(session_id) if isinstance(session_id, str) else None
    if match is None:
        return None
    user_id, version = int(match[1]), int(match[2])
    user = db.session.get(User, user_id) if user_id < 2**31 else None
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def end_sessions(user: User):
    """End every session and remember-me cookie *user* has (sign-out, password change)."""
    user.session_version += 1
    db.session.commit()
