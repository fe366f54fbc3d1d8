"""Slash commands: each answers at once, opening a modal (the one Slack call that cannot wait) or replying."""
from slack_sdk.errors import SlackApiError

from app.extensions import db
from app.services import accounts
from app.slack import views
from app.slack.client import request_client
from app.slack.replies import ephemeral, help_reply


def open_modal(trigger_id, view):
    """Open *view*; an expired trigger or a Slack error becomes a note to the user."""
    if not trigger_id:
        return ephemeral("Slack sent no trigger id, so Relay cannot open the form. Try again.")
    db.session.commit()  # hand the connection back to the pool while we wait on Slack
    try:
        request_client().views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        if error.response.get("error") == "expired_trigger_id":
            return ephemeral("Slack gave Relay too little time to open the form. Please run the command again.")
        return ephemeral(f"Relay could not open the form: Slack said {error.response.get('error')}.")
    except OSError:  # timeouts and refused connections: Slack is slow or unreachable
        return ephemeral("Slack did not answer Relay in time, so the form could not open. Please try again.")
    return None


def incident(form):
    text = (form.get("text") or "").strip()
    word = text.split()[0].lower() if text else ""
    if word == "ping":
        return ephemeral("pong")
    if word == "help":
        return help_reply()
    if word:
        return help_reply(f"I do not know `/incident {word[:30]}`.")
    view = views.declare_modal(accounts.list_product_areas(), form.get("channel_id", ""))
    return open_modal(form.get("trigger_id"), view)


COMMANDS = {"/incident": incident}


def dispatch(form):
    """Run the handler for form['command']; unknown commands get the help."""
    handler = COMMANDS.get(form.get("command"))
    if handler is None:
        return help_reply(f"Relay does not know the command `{(form.get('command') or '')[:30]}`.")
    return handler(form)
