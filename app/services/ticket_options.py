"""Campaigns and issue types: the admin-managed lists tickets are filed under."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Campaign, IssueType, User
from app.services.core import validation
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, require

NAME_MAX = 80
KINDS = {"campaigns": Campaign, "issue-types": IssueType}
LABELS = {"campaigns": "campaign", "issue-types": "issue type"}


def _model(kind):
    if kind not in KINDS:
        raise NotFound("There is no such list.")
    return KINDS[kind]


def list_options(kind, *, active_only=False):
    """The entries of one list, in their configured order."""
    model = _model(kind)
    query = select(model).order_by(model.position, model.name)
    if active_only:
        query = query.where(model.active.is_(True))
    return db.session.scalars(query).all()


def _position(value):
    if value in (None, ""):
        return None
    try:
        position = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"position": "Position must be a whole number."})
    if not 0 <= position <= 10_000:
        raise ValidationError({"position": "Position must be between 0 and 10000."})
    return position


def _name(model, value, exclude_id=None):
    name = validation.text(value, "name", max_length=NAME_MAX)
    clash = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        clash = clash.where(model.id != exclude_id)
    if db.session.scalar(clash) is not None:
        raise ValidationError({"name": f"“{name}” is already on the list."})
    return name


def create_option(actor: User, kind, *, name, position=None):
    """Add an entry to a list (at the end unless *position* says otherwise)."""
    require(actor, Permission.MANAGE_USERS)
    model = _model(kind)
    name, position = _name(model, name), _position(position)
    if position is None:
        position = (db.session.scalar(select(func.max(model.position))) or 0) + 1
    option = model(name=name, position=position, active=True)
    db.session.add(option)
    db.session.commit()
    return option


def update_option(actor: User, kind, option_id, *, name, position, active):
    """Rename, reorder, retire or bring back an entry; tickets filed under it keep it."""
    require(actor, Permission.MANAGE_USERS)
    model = _model(kind)
    option = db.session.get(model, option_id)
    if option is None:
        raise NotFound(f"That {LABELS[kind]} was not found.")
    option.name = _name(model, name, exclude_id=option.id)
    new_position = _position(position)
    option.position = option.position if new_position is None else new_position
    option.active = bool(active)
    db.session.commit()
    return option
