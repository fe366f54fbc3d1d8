"""Block Kit message and view builders, used by inbound Slack and outbound notifications alike."""
