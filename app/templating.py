"""Jinja filters and globals used across templates."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_login import current_user

from app.markdown import render_excerpt, render_markdown
from app.services.attachments import attachments_of
from app.services.core.permissions import Permission, can

SEVERITY_BADGES = {"sev1": "danger", "sev2": "warning", "sev3": "info", "sev4": "secondary"}
STATUS_BADGES = {
    "detected": "danger", "investigating": "warning", "mitigated": "info",
    "resolved": "success", "postmortem": "primary", "closed": "secondary",
}


def viewer_zone():
    name = getattr(current_user, "timezone", None) or current_app.config["TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localtime(value, fmt="%Y-%m-%d %H:%M %Z"):
    """Show a stored UTC time in the viewer's timezone."""
    if value is None:
        return "—"
    return value.replace(tzinfo=timezone.utc).astimezone(viewer_zone()).strftime(fmt)


def timeago(value):
    if value is None:
        return "—"
    seconds = int((datetime.now(timezone.utc).replace(tzinfo=None) - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def duration_seconds(seconds):
    minutes = int(round(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return " ".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n) or "<1m"


def duration(start, end):
    if not start or not end:
        return "—"
    return duration_seconds((end - start).total_seconds())


def register(app):
    app.jinja_env.filters.update(localtime=localtime, timeago=timeago, markdown=render_markdown,
                                  markdown_excerpt=render_excerpt)
    app.jinja_env.globals.update(
        can=lambda permission: can(current_user, Permission[permission]),
        attachments_of=attachments_of,
        duration=duration,
        now=lambda: datetime.now(timezone.utc).replace(tzinfo=None),
        duration_seconds=duration_seconds,
        severity_badge=lambda s: SEVERITY_BADGES.get(getattr(s, "value", s), "secondary"),
        status_badge=lambda s: STATUS_BADGES.get(getattr(s, "value", s), "secondary"),
        app_name=app.config["APP_NAME"],
    )
