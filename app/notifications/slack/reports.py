"""Scheduled reports also go to the tickets channel, once per period (the outbox's dedup key says so)."""
from flask import current_app

from app.outbox import enqueue


def post_report(job, period_start, message) -> int:
    """Queue *message* for SLACK_TICKETS_CHANNEL once per job and period; 0 when Slack is off."""
    channel = current_app.config.get("SLACK_TICKETS_CHANNEL")
    if not (current_app.config.get("SLACK_BOT_TOKEN") and channel):
        return 0
    return int(bool(enqueue("slack", f"report.{job}", channel, {"op": "post", "channel": channel, **message},
                            dedup_key=f"slack:job:{job}:{period_start:%Y-%m-%dT%H:%M}")))
