"""Slack posts about accounts: a member who got a reporter account by using Relay from Slack."""
from flask import current_app

from app.blocks.text import escape
from app.outbox import enqueue


def account_provisioned(event):
    """Let the admins know, in SLACK_ADMIN_CHANNEL when it is set."""
    channel = current_app.config.get("SLACK_ADMIN_CHANNEL")
    if not channel or event.data["provider"] != "slack":
        return
    member = event.data["external_id"]
    text = (f"<@{member}> used Relay from Slack for the first time and got a reporter account "
            f"({escape(event.subject.email)}). Give them another role in Admin → Users if they need one.")
    enqueue("slack", "account.created", channel, {"op": "post", "channel": channel, "text": text},
            dedup_key=f"slack:new-account:{member}")
