"""Jinja filters and globals used across templates."""
import functools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app.list_widgets import filter_field, pager
from app.markdown import render_excerpt, render_markdown
from app.services.attachments import attachments_of
from app.services.sla_badge import badge_of
from app.services.core.permissions import Permission, can

SEVERITY_BADGES = {"sev1": "danger", "sev2": "warning", "sev3": "info", "sev4": "secondary"}
STATUS_BADGES = {
    "detected": "danger", "investigating": "warning", "mitigated": "info",
    "resolved": "success", "postmortem": "primary", "closed": "secondary",
}


def viewer_zone():
    """The signed-in viewer's timezone (looked up once per request: a list shows dozens of times)."""
    if not has_request_context():
        return _zone(current_app.config["TIMEZONE"])
    cached = request.environ.get("relay.viewer_zone")
    if cached is None:
        cached = request.environ["relay.viewer_zone"] = _zone(
            getattr(current_user, "timezone", None) or current_app.config["TIMEZONE"])
    return cached


@functools.lru_cache(maxsize=64)
def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localtime(value, fmt="%Y-%m-%d %H:%M %Z", zone=None):
    """Show a stored UTC time in the viewer's timezone."""
    if value is None:
        return "—"
    return value.replace(tzinfo=timezone.utc).astimezone(zone or viewer_zone()).strftime(fmt)


def timeago(value, now=None):
    if value is None:
        return "—"
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    seconds = int((now - value).total_seconds())
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


# The badges every list row shows. Each depends only on its value, so it is built once; a Jinja
# macro per cell cost more than the page's query.
@functools.cache
def _badge(css, title, label, icon_html=""):
    title = f' title="{escape(title)}"' if title else ""
    return Markup(f'<span class="badge {css}"{title}>{icon_html}{escape(label)}</span>')


def icon(name, size="1em"):
    """A Bootstrap icon from the sprite, as bootstrap-flask's render_icon draws it (without the macro)."""
    if "icon_sprite" not in g:
        g.icon_sprite = url_for("bootstrap.static", filename="icons/bootstrap-icons.svg")
    return _icon(f"{g.icon_sprite}#{name}", size)


@functools.cache
def _icon(href, size):
    return Markup(f'<svg class="bi" width="{escape(size)}" height="{escape(size)}" fill="currentColor">'
                  f'<use xlink:href="{escape(href)}"/></svg>')


def severity_tag(value):
    return _badge(f"text-bg-{SEVERITY_BADGES.get(value.value, 'secondary')}", value.description, value.label)


def status_tag(value):
    return _badge(f"rounded-pill text-bg-{STATUS_BADGES.get(value.value, 'secondary')}", None, value.label)


def priority_tag(value):
    return _badge(f"text-bg-{value.badge} priority-{value.value}", f"Priority: {value.label}", value.label,
                  icon(value.icon) + " ")


def ticket_status_tag(value):
    return _badge(f"rounded-pill text-bg-{value.badge}", None, value.label)


def sla_tag(record, now=None):
    """The SLA badge of a list row or card ("due in 12m", "at risk", "breached 3h ago", "met"); empty without one."""
    if record.sla_state is None:
        return ""
    if now is None:
        if "sla_now" not in g:
            g.sla_now = datetime.now(timezone.utc).replace(tzinfo=None)
        now = g.sla_now
    shown = badge_of(record, now)
    if shown is None:
        return ""
    # Not through the cached _badge: the text changes with the clock, so a cache would only grow.
    return Markup(f'<span class="badge text-bg-{shown.colour} sla-badge" title="SLA">{icon(shown.icon)} '
                  f'{escape(shown.text)}</span>')


def path_for(endpoint, **values):
    """url_for(endpoint, **values) for constant arguments, built once: the navbar and <head> have a dozen."""
    paths = current_app.extensions.setdefault("relay.paths", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    if key not in paths:
        paths[key] = url_for(endpoint, **values)
    return paths[key]


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
        severity_tag=severity_tag, status_tag=status_tag, priority_tag=priority_tag,
        ticket_status_tag=ticket_status_tag, icon=icon, path_for=path_for, filter_field=filter_field, pager=pager,
        sla_tag=sla_tag,
    )
