"""The Slack app manifest: exactly the commands, URLs, events and scopes Relay uses."""
import json
from urllib.parse import urlsplit

import click
from flask.cli import AppGroup

COMMANDS = [
    ("/incident", "Declare an incident (or: escalate, link, help, ping)",
     "[escalate <what is wrong> | link <organization> | help | ping]"),
    ("/new-ticket", "Raise a support ticket", ""),
    ("/agent-tickets", "The tickets you raised or hold", ""),
    ("/system-tickets", "All open tickets (responders and up)", "[high] [in_progress] [campaign:Name] [words]"),
    ("/ticket-summary", "Ticket counts (responders and up)", ""),
]
BOT_EVENTS = ["app_mention"]
BOT_SCOPES = [
    "app_mentions:read",  # @Relay escalate <text> in a customer's channel; @Relay help, @Relay ping
    "channels:join",      # join the incidents/tickets channels before posting there
    "channels:manage",    # create incd-<number> channels and invite people
    "chat:write",         # summaries, headlines, lines, DMs, ephemeral notes, escalation threads
    "commands",           # the slash commands
    "groups:write",       # create private incd-<number> channels (the default) and invite people
    "files:read",         # fetch the screenshot given in the /new-ticket form
    "pins:write",         # pin the incident summary
    "users:read",         # users.info: a Slack user's profile
    "users:read.email",   # link a Slack user to a Relay account by email
]


def manifest(url, name="Relay"):
    """The manifest for a Relay served at *url*."""
    base = url.rstrip("/")
    return {
        "display_information": {"name": name, "description": "Incidents and tickets, from Slack"},
        "features": {
            "bot_user": {"display_name": name.lower(), "always_online": True},
            "slash_commands": [
                {"command": command, "url": f"{base}/slack/commands", "description": description,
                 "usage_hint": hint, "should_escape": False}
                for command, description, hint in COMMANDS
            ],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": {"request_url": f"{base}/slack/events", "bot_events": BOT_EVENTS},
            "interactivity": {"is_enabled": True, "request_url": f"{base}/slack/interactions"},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


slack_cli = AppGroup("slack", help="Slack app tools.")


@slack_cli.command("manifest")
@click.option("--url", required=True, help="The public https URL Relay is served at.")
@click.option("--name", default="Relay", show_default=True, help="The app's name in Slack.")
def manifest_command(url, name):
    """Print the Slack app manifest (paste it at api.slack.com/apps -> Create New App)."""
    parts = urlsplit(url)
    if (parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment
            or len(url) > 200 or any(c.isspace() for c in url)):
        raise click.BadParameter("give the full URL, e.g. https://relay.example.org", param_hint="--url")
    if not 1 <= len(name.strip()) <= 35:
        raise click.BadParameter("Slack app names are 1 to 35 characters", param_hint="--name")
    click.echo(json.dumps(manifest(url, name), indent=2))
