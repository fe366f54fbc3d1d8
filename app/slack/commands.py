"""Slash commands: each answers at once, opening a modal (the one Slack call that cannot wait) or replying."""
from app.blocks.text import escape
from app.extensions import db
from app.services import accounts
from app.services.core.errors import DomainError
from app.blocks import incidents as views
from app.slack import escalations, ticket_commands
from app.slack.replies import ephemeral, help_reply
from app.slack.ui import open_modal


def incident(form):
    text = (form.get("text") or "").strip()
    word = text.split()[0].lower() if text else ""
    rest = text[len(word):].strip()
    if word == "ping":
        return ephemeral("pong")
    if word == "help":
        return help_reply()
    if word == "escalate":
        return escalations.escalate_command(form, rest)
    if word == "link":
        return escalations.link_command(form, rest)
    if word:
        return help_reply(f"I do not know `/incident {word[:30]}`.")
    view = views.declare_modal(accounts.list_product_areas(), form.get("channel_id", ""))
    return open_modal(form.get("trigger_id"), view)


COMMANDS = {"/incident": incident, **ticket_commands.COMMANDS}


def dispatch(form):
    """Run the handler for form['command']; unknown commands get the help, refusals an explanation."""
    handler = COMMANDS.get(form.get("command"))
    if handler is None:
        return help_reply(f"Relay does not know the command `{(form.get('command') or '')[:30]}`.")
    try:
        return handler(form)
    except DomainError as error:
        db.session.rollback()
        return ephemeral(escape(error.message))
