"""Who may do what: the role matrix and tenant scope, in one place."""
import enum

from sqlalchemy import false, or_, true

from app.models import Role, User
from app.services.errors import Forbidden


class Permission(enum.Enum):
    RAISE = "raise"                  # declare an incident, comment on what one can see
    WORK = "work"                    # transition, assign to self, edit any visible record
    ASSIGN_OTHERS = "assign_others"  # assign anyone, force transitions
    VIEW_ANALYTICS = "view_analytics"
    DELETE = "delete"
    MANAGE_USERS = "manage_users"


# The permission matrix (README "Roles and permissions" is generated from this table).
MINIMUM_ROLE = {
    Permission.RAISE: Role.REPORTER,
    Permission.WORK: Role.RESPONDER,
    Permission.ASSIGN_OTHERS: Role.MANAGER,
    Permission.VIEW_ANALYTICS: Role.MANAGER,
    Permission.DELETE: Role.ADMIN,
    Permission.MANAGE_USERS: Role.ADMIN,
}


# Managing accounts spans every tenant, so only the provider's admins may do it.
PROVIDER_ONLY = {Permission.MANAGE_USERS}


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


def can_see(user: User, record) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    if user.is_provider_staff:
        return True
    if record.org_id != user.org_id:
        return False
    return user.role.at_least(Role.RESPONDER) or record.reporter_id == user.id


def can_work_in(user: User, org_id: int) -> bool:
    """True if *user* may be assigned or command work in organization *org_id*."""
    if not user.active or not user.role.at_least(Role.RESPONDER):
        return False
    return user.is_provider_staff or user.org_id == org_id


def staff_for_org(org_id: int):
    """A WHERE clause for users who can be assigned work in *org_id*."""
    from app.models import Organization

    return (
        User.active.is_(True)
        & User.role.in_([Role.RESPONDER, Role.MANAGER, Role.ADMIN])
        & or_(User.org_id == org_id, User.org.has(Organization.is_provider.is_(True)))
    )
