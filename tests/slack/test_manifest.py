"""`flask slack manifest` describes exactly what Relay uses."""
import json

from app.slack import commands, events
from app.slack.manifest import BOT_EVENTS


def test_manifest_lists_the_commands_urls_events_and_scopes(app):
    result = app.test_cli_runner().invoke(args=["slack", "manifest", "--url", "https://example.org/"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    features, settings = manifest["features"], manifest["settings"]
    assert {c["command"] for c in features["slash_commands"]} == set(commands.COMMANDS)
    assert {c["url"] for c in features["slash_commands"]} == {"https://example.org/slack/commands"}
    assert settings["interactivity"]["request_url"] == "https://example.org/slack/interactions"
    assert settings["event_subscriptions"]["request_url"] == "https://example.org/slack/events"
    assert set(settings["event_subscriptions"]["bot_events"]) == set(events.HANDLERS) == set(BOT_EVENTS)
    assert "chat:write" in manifest["oauth_config"]["scopes"]["bot"]
    assert "groups:write" in manifest["oauth_config"]["scopes"]["bot"]  # private incident channels


def test_manifest_needs_a_url(app):
    result = app.test_cli_runner().invoke(args=["slack", "manifest", "--url", "example.org"])
    assert result.exit_code != 0 and "full URL" in result.output
