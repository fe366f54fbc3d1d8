"""Who a Slack user is in Relay: linked by Slack user id, found the first time by profile email."""
from flask import current_app
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.blocks.text import escape
from app.extensions import db
from app.models import Organization, Role, User
from app.outbox import enqueue
from app.services.core.errors import DomainError, Forbidden, ValidationError
from app.notifications.slack.client import request_client

# Accounts made for Slack members cannot sign in with a password until an admin sets one.
NO_PASSWORD = "!slack"


def _profile(slack_user_id, field=None):
    """(email, name) from Slack's users.info; a failure is about the actor, or about the person in *field*."""
    db.session.commit()  # no connection held while Slack answers
    try:
        user = request_client().users_info(user=slack_user_id)["user"]
    except SlackApiError as error:
        code = error.response.get("error")
        if field is None:
            raise DomainError(f"Relay could not look you up in Slack ({code}); try again in a moment.")
        if code in ("user_not_found", "users_not_found"):
            raise ValidationError({field: "Slack does not know the person you picked (user_not_found); "
                                          "pick someone from this workspace."})
        raise ValidationError({field: f"Slack would not tell Relay who the person you picked is ({code}); "
                                      "try again in a moment."})
    except OSError:
        if field is not None:
            raise ValidationError({field: "Slack did not answer when Relay looked up the person you picked; "
                                          "try again in a moment."})
        raise DomainError("Slack did not answer when Relay looked you up; try again in a moment.")
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or slack_user_id
    return (profile.get("email") or "").strip().lower() or None, name[:100]


def _by_slack_id(slack_user_id):
    return db.session.scalar(select(User).where(User.slack_user_id == slack_user_id))


def _link(user, slack_user_id):
    user.slack_user_id = slack_user_id
    try:
        db.session.commit()
    except IntegrityError:  # someone else linked it at the same moment
        db.session.rollback()
    return _by_slack_id(slack_user_id)


def actor_for(slack_user_id) -> User:
    """The account acting for this Slack user; an unknown member becomes a reporter in the provider org."""
    if not slack_user_id or not isinstance(slack_user_id, str) or len(slack_user_id) > 32:
        raise DomainError("Slack did not say who you are.")
    user = _by_slack_id(slack_user_id)
    if user is None:
        email, name = _profile(slack_user_id)
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        if user is None:
            user = _new_reporter(slack_user_id, email, name)
        elif user.slack_user_id is None:
            user = _link(user, slack_user_id)
        else:
            raise Forbidden("Your Slack email belongs to a Relay account linked to another Slack user.")
    if user is None or not user.active:
        raise Forbidden("Your Relay account is deactivated; ask an admin.")
    return user


def _new_reporter(slack_user_id, email, name):
    provider = db.session.scalar(select(Organization).where(Organization.is_provider.is_(True)))
    if provider is None:
        raise DomainError("Relay has no provider organization to add you to; ask an admin.")
    user = User(email=email or f"{slack_user_id.lower()}@slack.invalid", display_name=name,
                role=Role.REPORTER, org=provider, password_hash=NO_PASSWORD, slack_user_id=slack_user_id)
    db.session.add(user)
    _tell_admins(slack_user_id, user.email)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return _by_slack_id(slack_user_id)


def _tell_admins(slack_user_id, email):
    """Let the admins know a Slack member got an account, in SLACK_ADMIN_CHANNEL when it is set."""
    channel = current_app.config.get("SLACK_ADMIN_CHANNEL")
    if channel:
        text = (f"<@{slack_user_id}> used Relay from Slack for the first time and got a reporter account "
                f"({escape(email)}). Give them another role in Admin → Users if they need one.")
        enqueue("slack", "account.created", channel, {"op": "post", "channel": channel, "text": text},
                dedup_key=f"slack:new-account:{slack_user_id}")


def account_for(slack_user_id, field) -> User | None:
    """The existing account of a Slack user picked in a form's *field* (linked now if found by email), or None."""
    if not slack_user_id:
        return None
    user = _by_slack_id(slack_user_id)
    if user is not None:
        return user
    email, _ = _profile(slack_user_id, field)
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if user is None or user.slack_user_id is not None:
        return None
    return _link(user, slack_user_id)
