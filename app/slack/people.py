"""Who a Slack user is in Relay: the identities service, with Slack's profile as the look-up."""
from slack_sdk.errors import SlackApiError

from app.models import User
from app.notifications.slack.client import request_client
from app.services import channel_links, identities
from app.services.core.errors import DomainError, ValidationError
from app.slack.forms import obj


def _profile(slack_user_id, field=None):
    """A look-up of Slack's users.info; a failure is about the actor, or about the person in *field*."""
    def look_up():
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
        return identities.Profile((profile.get("email") or "").strip().lower() or None, name[:100])

    return look_up


def actor_for(slack_user_id, channel_id=None) -> User:
    """The account acting for this Slack user.

    A member Relay has not seen becomes a reporter: of the organization *channel_id* is linked
    to (a customer's own channel), otherwise of the provider's organization.
    """
    if not slack_user_id or not isinstance(slack_user_id, str) or len(slack_user_id) > 32:
        raise DomainError("Slack did not say who you are.")
    org = channel_links.org_for_channel(channel_id)
    return identities.account_for("slack", slack_user_id, _profile(slack_user_id), org_id=org.id if org else None)


def channel_of(payload) -> str | None:
    """The channel an interaction happened in (a button's message, or the channel a modal was opened from)."""
    channel = obj(payload.get("channel")).get("id") or obj(payload.get("container")).get("channel_id")
    if not channel and isinstance(obj(payload.get("view")).get("private_metadata"), str):
        channel = payload["view"]["private_metadata"]
    return channel if isinstance(channel, str) else None


def account_for(slack_user_id, field) -> User | None:
    """The existing account of a Slack user picked in a form's *field* (linked now if found by email), or None."""
    if not slack_user_id or not isinstance(slack_user_id, str) or len(slack_user_id) > 32:
        return None
    return identities.account_for("slack", slack_user_id, _profile(slack_user_id, field), provision=False)
