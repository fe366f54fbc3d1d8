"""Accounts: signing in, and the admin's management of users and organizations."""
import re

from sqlalchemy import func, or_, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Organization, ProductArea, Role, User
from app.services.core import validation
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, require

PASSWORD_MIN = 8
PASSWORD_MAX = 128
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Checked when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(email, password) -> User | None:
    """Return the active user with this email and password, or None."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(select(User).where(User.email == User.normalize_email(email)))
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def _email(value, exclude_id=None):
    email = User.normalize_email(validation.text(value, "email", max_length=254, label="Email"))
    if not EMAIL_PATTERN.match(email):
        raise ValidationError({"email": "Enter a valid email address."})
    clash = select(User.id).where(User.email == email)
    if exclude_id:
        clash = clash.where(User.id != exclude_id)
    if db.session.scalar(clash):
        raise ValidationError({"email": "A user with this email already exists."})
    return email


def _password(value):
    if not isinstance(value, str) or not (PASSWORD_MIN <= len(value) <= PASSWORD_MAX):
        raise ValidationError(
            {"password": f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters."}
        )
    return value


def _org(org_id):
    org_id = validation.optional_id(org_id, "org_id")
    org = db.session.get(Organization, org_id) if org_id else None
    if org is None:
        raise ValidationError({"org_id": "Choose an organization from the list."})
    return org


def get_user(actor: User, user_id: int) -> User:
    require(actor, Permission.MANAGE_USERS)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("That user was not found.")
    return user


def list_users(actor: User, *, q=None, page=1, per_page=25):
    require(actor, Permission.MANAGE_USERS)
    query = select(User).order_by(User.display_name, User.id)
    q = validation.search_term(q)
    if q:
        term = f"%{q}%"
        query = query.where(or_(User.email.ilike(term), User.display_name.ilike(term)))
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def create_user(actor: User, *, email, display_name, password, role, org_id) -> User:
    """Create an account (admins only)."""
    require(actor, Permission.MANAGE_USERS)
    user = User(
        email=_email(email),
        display_name=validation.text(display_name, "display_name", max_length=100, label="Name"),
        role=validation.choice(Role, role, "role"),
        org=_org(org_id),
    )
    user.set_password(_password(password))
    db.session.add(user)
    db.session.commit()
    return user


def _provider_admins():
    """Active admins of the provider organization: the people who can manage Relay."""
    return db.session.scalar(
        select(func.count(User.id)).join(User.org)
        .where(User.role == Role.ADMIN, User.active.is_(True), Organization.is_provider.is_(True))
    )


def _is_provider_admin(role, org, active):
    return role == Role.ADMIN and active and org.is_provider


def update_user(actor: User, user_id: int, *, email, display_name, role, org_id, active,
                password=None) -> User:
    """Change an account; an admin cannot lock themselves (or everyone) out."""
    user = get_user(actor, user_id)
    role = validation.choice(Role, role, "role")
    active = bool(active)
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise ValidationError({"role": "You cannot demote or deactivate your own account."})
    org = _org(org_id)
    if (_is_provider_admin(user.role, user.org, user.active) and not _is_provider_admin(role, org, active)
            and _provider_admins() <= 1):
        field = "org_id" if org.id != user.org_id else "role"
        raise ValidationError({field: f"{user.display_name} is the last admin of {user.org.name}: "
                                      "make someone else an admin there first, or Relay cannot be managed."})
    user.email = _email(email, exclude_id=user.id)
    user.display_name = validation.text(display_name, "display_name", max_length=100, label="Name")
    user.role = role
    user.org = org
    user.active = active
    if password:
        user.set_password(_password(password))
        user.session_version += 1  # whoever signed in with the old password is signed out
    db.session.commit()
    return user


def deactivate_user(actor: User, user_id: int) -> User:
    user = get_user(actor, user_id)
    return update_user(actor, user.id, email=user.email, display_name=user.display_name,
                       role=user.role, org_id=user.org_id, active=False)


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "org"


def list_organizations():
    return db.session.scalars(select(Organization).order_by(Organization.is_provider.desc(),
                                                             Organization.name)).all()


def create_organization(actor: User, *, name) -> Organization:
    """Add a customer organization (admins only)."""
    require(actor, Permission.MANAGE_USERS)
    name = validation.text(name, "name", max_length=120)
    slug = _slug(name)
    if db.session.scalar(select(Organization.id).where(
            or_(func.lower(Organization.name) == name.lower(), Organization.slug == slug))):
        raise ValidationError({"name": "An organization with this name already exists."})
    org = Organization(name=name, slug=slug, is_provider=False)
    db.session.add(org)
    db.session.commit()
    return org


def _organization_for_admin(actor: User, org_id) -> Organization:
    """The organization *org_id*, for an admin changing its settings."""
    require(actor, Permission.MANAGE_USERS)
    try:
        org = db.session.get(Organization, validation.optional_id(org_id, "org_id") or 0)
    except ValidationError:
        org = None
    if org is None:
        raise NotFound("That organization was not found.")
    return org


def set_postmortem_required_to_close(actor: User, org_id, required: bool) -> Organization:
    """Choose whether closing the organization's incidents needs a published postmortem with owned action items."""
    org = _organization_for_admin(actor, org_id)
    if not isinstance(required, bool):
        raise ValidationError({"required": "Choose on or off."})
    org.postmortem_required_to_close = required
    db.session.commit()
    return org


def set_slack_channels_private(actor: User, org_id, private: bool) -> Organization:
    """Choose whether the organization's incident channels in Slack are private (admins only)."""
    org = _organization_for_admin(actor, org_id)
    if not isinstance(private, bool):
        raise ValidationError({"private": "Choose private or public."})
    org.slack_channels_private = private
    db.session.commit()
    return org


def list_product_areas():
    return db.session.scalars(select(ProductArea).order_by(ProductArea.name)).all()


def create_product_area(actor: User, *, name, description="", owner_ids=()) -> ProductArea:
    """Add a product area and its owners (admins only)."""
    require(actor, Permission.MANAGE_USERS)
    name = validation.text(name, "name", max_length=80)
    if db.session.scalar(select(ProductArea.id).where(func.lower(ProductArea.name) == name.lower())):
        raise ValidationError({"name": "A product area with this name already exists."})
    ids = [validation.optional_id(i, "owner_ids") for i in owner_ids or ()]
    owners = db.session.scalars(select(User).where(User.id.in_([i for i in ids if i]))).all()
    if len(owners) != len([i for i in ids if i]):
        raise ValidationError({"owner_ids": "Choose owners from the list."})
    if not all(owner.active and owner.is_provider_staff for owner in owners):
        # Owners hear about every incident in their area, whichever customer it belongs to.
        raise ValidationError({"owner_ids": "Owners must be active responders or above in the provider organization."})
    area = ProductArea(name=name, owners=list(owners),
                       description=validation.text(description, "description", max_length=255,
                                                   required=False))
    db.session.add(area)
    db.session.commit()
    return area


def visible_organizations(actor: User):
    """The organizations *actor* may know of: all for provider staff, else their own."""
    if actor.is_provider_staff:
        return list_organizations()
    return [actor.org]
