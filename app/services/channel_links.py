"""Slack channels that belong to an organization: where its members escalate, and where updates go back."""
import re

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Organization, SlackChannelLink, User
from app.services.core import validation
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, require

# Public (C...) and private (G...) channels; never a direct message.
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}", re.ASCII)
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}", re.ASCII)


def check_channel_id(value, field="channel_id") -> str:
    value = validation.text(value, field, max_length=40, label="Channel id").upper()
    if not CHANNEL_ID.fullmatch(value):
        raise ValidationError({field: "Give the Slack channel id (it starts with C or G, e.g. C024BE91L)."})
    return value


def find_organization(reference) -> Organization | None:
    """An organization by id, slug or name (names ignore case)."""
    reference = validation.text(reference, "org_id", max_length=120, label="Organization")
    query = select(Organization).where(or_(Organization.slug == reference.lower(),
                                           func.lower(Organization.name) == reference.lower()))
    if reference.isdigit() and len(reference) < 10:
        query = select(Organization).where(Organization.id == int(reference))
    return db.session.scalar(query)


def link_channel(actor: User, channel_id, org, *, channel_name=None) -> SlackChannelLink:
    """Make *channel_id* the Slack channel of organization *org* (id, slug or name); provider admins only."""
    require(actor, Permission.MANAGE_USERS, "Only the provider's admins can link Slack channels.")
    channel_id = check_channel_id(channel_id)
    target = find_organization(org)
    if target is None:
        raise ValidationError({"org_id": "No organization has that name, slug or id."})
    name = (channel_name or "").strip().lstrip("#").lower()[:80] or None
    if name is not None and not CHANNEL_NAME.fullmatch(name):
        raise ValidationError({"channel_name": "A Slack channel name is lower-case letters, digits, - and _."})
    link = db.session.scalar(select(SlackChannelLink).where(SlackChannelLink.channel_id == channel_id))
    if link is None:
        link = SlackChannelLink(channel_id=channel_id)
        db.session.add(link)
    link.org_id, link.channel_name = target.id, name or link.channel_name
    db.session.commit()
    return link


def unlink_channel(actor: User, link_id) -> SlackChannelLink:
    require(actor, Permission.MANAGE_USERS)
    link = db.session.get(SlackChannelLink, validation.optional_id(link_id, "link_id") or 0)
    if link is None:
        raise NotFound("That channel link was not found.")
    db.session.delete(link)
    db.session.commit()
    return link


def list_links(actor: User):
    require(actor, Permission.MANAGE_USERS)
    return db.session.scalars(select(SlackChannelLink).join(SlackChannelLink.org)
                              .order_by(Organization.name, SlackChannelLink.channel_name)).all()


def org_for_channel(channel_id) -> Organization | None:
    """The organization a Slack channel is linked to, or None."""
    if not isinstance(channel_id, str) or not CHANNEL_ID.fullmatch(channel_id):
        return None
    return db.session.scalar(select(Organization).join(SlackChannelLink, SlackChannelLink.org_id == Organization.id)
                             .where(SlackChannelLink.channel_id == channel_id))


def channel_belongs_to(channel_id, org_id) -> bool:
    """True while *channel_id* is still linked to organization *org_id*."""
    return db.session.scalar(select(SlackChannelLink.id).where(
        SlackChannelLink.channel_id == channel_id, SlackChannelLink.org_id == org_id)) is not None
