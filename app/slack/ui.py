"""Opening a modal: the one Slack call a handler makes itself, because its trigger id expires in 3 s."""
from slack_sdk.errors import SlackApiError

from app.extensions import db
from app.notifications.slack.client import request_client
from app.slack.replies import ephemeral


def open_modal(trigger_id, view):
    """Open *view*; None when it opened, else an ephemeral reply saying why not."""
    if not trigger_id:
        return ephemeral("Slack sent no trigger id, so Relay cannot open the form. Try again.")
    db.session.commit()  # hand the connection back to the pool while we wait on Slack
    try:
        request_client().views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        if error.response.get("error") == "expired_trigger_id":
            return ephemeral("Slack gave Relay too little time to open the form. Please try again.")
        return ephemeral(f"Relay could not open the form: Slack said {error.response.get('error')}.")
    except OSError:  # timeouts and refused connections: Slack is slow or unreachable
        return ephemeral("Slack did not answer Relay in time, so the form could not open. Please try again.")
    return None
