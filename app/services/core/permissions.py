"""Who may do what: the role matrix and tenant scope, in one place."""
import enum
import functools

from sqlalchemy import bindparam, false, or_, select, true

from app.extensions import db
from app.models import Organization, Role, User
from app.services.core import validation
from app.services.core.errors import Forbidden, NotFound, ValidationError


class Permission(enum.Enum):
    RAISE = "raise"                  # declare an incident, comment on what one can see
    WORK = "work"                    # transition, assign to self, edit any visible record
    ASSIGN_OTHERS = "assign_others"  # assign anyone, force transitions
    VIEW_ANALYTICS = "view_analytics"
    DELETE = "delete"
    MANAGE_USERS = "manage_users"
    MANAGE_SLAS = "manage_slas"
    ESCALATE = "escalate"            # raise severity, page, notify by hand, with a reason


# The permission matrix (README "Roles and permissions" is generated from this table).
MINIMUM_ROLE = {
    Permission.RAISE: Role.REPORTER,
    Permission.WORK: Role.RESPONDER,
    Permission.ASSIGN_OTHERS: Role.MANAGER,
    Permission.VIEW_ANALYTICS: Role.MANAGER,
    Permission.DELETE: Role.ADMIN,
    Permission.MANAGE_USERS: Role.ADMIN,
    Permission.MANAGE_SLAS: Role.ADMIN,
    Permission.ESCALATE: Role.MANAGER,
}


# Managing accounts spans every tenant, so only the provider's admins may do it.
PROVIDER_ONLY = {Permission.MANAGE_USERS, Permission.MANAGE_SLAS}


def can(user: User, permission: Permission) -> bool:
    if not user.is_authenticated or not user.role.at_least(MINIMUM_ROLE[permission]):
        return False
    return permission not in PROVIDER_ONLY or user.org.is_provider


def require(user: User, permission: Permission, message: str | None = None):
    if not can(user, permission):
        raise Forbidden(message or "You do not have permission to do that.")


def visible_filter(user: User, model):
    """A WHERE clause limiting *model* rows (with org_id and reporter_id) to what *user* may see."""
    if not user.is_authenticated or not user.active:
        return false()
    if user.is_provider_staff:
        return true()
    if user.role.at_least(Role.RESPONDER):
        return model.org_id == user.org_id
    # Reporters follow what they raised.
    return (model.org_id == user.org_id) & (model.reporter_id == user.id)


def viewer_key(user: User) -> tuple | None:
    """All that visible_filter, can() and the list scopes read of *user*: equal keys see the same rows."""
    if not user.is_authenticated:
        return None
    return user.id, user.org_id, user.role, user.active, user.org.is_provider


def visible_scope(user: User) -> tuple[str, dict]:
    """What *user* may see as a kind and its parameters, for statements built once (see visible_where)."""
    if not user.is_authenticated or not user.active:
        return "none", {}
    if user.is_provider_staff:
        return "all", {}
    if user.role.at_least(Role.RESPONDER):
        return "org", {"viewer_org_id": user.org_id}
    return "reported", {"viewer_org_id": user.org_id, "viewer_id": user.id}


@functools.cache
def visible_where(model, scope: str):
    """visible_filter for a kind of viewer (visible_scope), with the viewer's ids as bound parameters."""
    if scope == "none":
        return false()
    if scope == "all":
        return true()
    mine = model.org_id == bindparam("viewer_org_id")
    return mine if scope == "org" else mine & (model.reporter_id == bindparam("viewer_id"))


def can_see(user: User, record) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    if user.is_provider_staff:
        return True
    if record.org_id != user.org_id:
        return False
    return user.role.at_least(Role.RESPONDER) or record.reporter_id == user.id


def load_visible(user: User, model, number: int, *, for_update=False):
    """The *model* record numbered *number*, or NotFound if *user* may not see it (another org's is a 404)."""
    query = select(model).where(model.number == number)
    if for_update:
        query = query.with_for_update()
    record = db.session.scalar(query)
    if record is None or not can_see(user, record):
        raise NotFound(f"{model.__name__} {model.PREFIX}-{number} was not found.")
    return record


def staff_member(user_id, org_id, field):
    """The user *user_id* if they may be given work in *org_id*; None for no one."""
    user_id = validation.optional_id(user_id, field)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not can_work_in(user, org_id):
        raise ValidationError({field: "Choose an active responder who works for this organization."})
    return user


def target_org(actor: User, org_id, what="incidents") -> int:
    """The organization a new record of *actor*'s goes to: their own, or any for provider staff."""
    org_id = validation.optional_id(org_id, "org_id")
    if org_id is None or org_id == actor.org_id:
        return actor.org_id
    if not actor.is_provider_staff or db.session.get(Organization, org_id) is None:
        raise ValidationError({"org_id": f"You can only raise {what} for your own organization."})
    return org_id


def can_work_in(user: User, org_id: int) -> bool:
    """True if *user* may be assigned or command work in organization *org_id*."""
    if not user.active or not user.role.at_least(Role.RESPONDER):
        return False
    return user.is_provider_staff or user.org_id == org_id


def staff_for_org(org_id: int):
    """A WHERE clause for users who can be assigned work in *org_id*."""
    return (
        User.active.is_(True)
        & User.role.in_([Role.RESPONDER, Role.MANAGER, Role.ADMIN])
        & or_(User.org_id == org_id,
              User.org_id.in_(select(Organization.id).where(Organization.is_provider.is_(True))))
    )
