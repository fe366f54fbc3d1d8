"""Per-user notification preferences: everything is on until someone turns it off."""
from sqlalchemy import delete, select

from app.extensions import db
from app.models import NotificationOptOut, User
from app.services.notification_kinds import BY_NAME, KINDS
from app.services.core.errors import ValidationError


def turned_off(user_id: int) -> set[str]:
    """The kinds of notification *user_id* turned off."""
    return set(db.session.scalars(select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)))


def kinds_for(user: User):
    """The kinds of email *user* can be sent at all: the only ones their settings show."""
    return [kind for kind in KINDS if kind.reaches(user)]


def wants(user: User, kind: str, critical=False) -> bool:
    """True if *user* should get a *kind* email; critical ones and assignments always go out."""
    return bool(who_wants([user], kind, critical=critical))


def who_wants(users, kind: str, critical=False) -> list[User]:
    """Those of *users* who should get a *kind* email, in order, asking about all of them at once."""
    users = [user for user in users if user.active]
    if critical or not BY_NAME[kind].optional or not users:
        return users
    off = set(db.session.scalars(select(NotificationOptOut.user_id).where(
        NotificationOptOut.kind == kind, NotificationOptOut.user_id.in_([user.id for user in users]))))
    return [user for user in users if user.id not in off]


def save_preferences(actor: User, enabled_kinds) -> set[str]:
    """Keep the optional kinds in *enabled_kinds* on for *actor* and turn the others off."""
    enabled = set(enabled_kinds or ())
    offered = {kind.name for kind in kinds_for(actor) if kind.optional}
    if enabled - offered:
        raise ValidationError({"kinds": "Choose from the notifications listed."})
    off = offered - enabled
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == actor.id,
                                                        NotificationOptOut.kind.in_(offered)))
    db.session.add_all(NotificationOptOut(user_id=actor.id, kind=name) for name in sorted(off))
    db.session.commit()
    return off
