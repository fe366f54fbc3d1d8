"""Who a Slack user is in Relay: the identities service, with Slack's profile as the look-up."""
from slack_sdk.errors import SlackApiError

from app.models import User
from app.notifications.slack.client import request_client
from app.services import identities
from app.services.core.errors import DomainError


def _profile(slack_user_id):
    """Slack's answer to users.info, as the email and name the identities service needs."""
    def look_up():
        try:
            user = request_client().users_info(user=slack_user_id)["user"]
        except SlackApiError as error:
            raise DomainError(f"Relay could not look you up in Slack ({error.response.get('error')}); "
                              "try again in a moment.")
        except OSError:
            raise DomainError("Slack did not answer when Relay looked you up; try again in a moment.")
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or user.get("name") or slack_user_id
        return identities.Profile((profile.get("email") or "").strip().lower() or None, name[:100])

    return look_up


def actor_for(slack_user_id) -> User:
    """The account acting for this Slack user; an unknown member becomes a reporter in the provider org."""
    if not slack_user_id or not isinstance(slack_user_id, str) or len(slack_user_id) > 32:
        raise DomainError("Slack did not say who you are.")
    return identities.account_for("slack", slack_user_id, _profile(slack_user_id))


def account_for(slack_user_id) -> User | None:
    """The existing account of a Slack user picked in a form (linked now if found by email), or None."""
    if not slack_user_id or not isinstance(slack_user_id, str) or len(slack_user_id) > 32:
        return None
    return identities.account_for("slack", slack_user_id, _profile(slack_user_id), provision=False)
