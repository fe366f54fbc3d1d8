"""The rows of the incident and ticket lists, written in Python.

A list page draws 25 rows of nine or ten cells; in Jinja each cell is an attribute lookup, a
filter or a helper call through the template runtime, and the rows cost more than the page's
queries together. Here a row is one f-string; the HTML is the same the template wrote.
"""
from datetime import datetime, timezone

from flask import url_for
from markupsafe import Markup, escape

from app.templating import (duration, icon, localtime, priority_tag, severity_tag, sla_tag, status_tag,
                            ticket_status_tag, timeago, viewer_zone)

RUNNING = ("sev1", "sev2")


def _or_dash(value):
    return escape(value) if value else "—"


def running(incident, now=None, zone=None):
    """An open SEV1/SEV2's running time since it was declared (relay.js ticks it); empty otherwise."""
    if incident.severity.value not in RUNNING or not incident.status.is_open:
        return ""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    return Markup(f'<span class="badge text-bg-dark running" data-testid="running" '
                  f'title="Open since {escape(localtime(incident.created_at, zone=zone))}" '
                  f'data-since="{incident.created_at.isoformat()}Z">{icon("stopwatch")} '
                  f'<span data-running-text>{duration(incident.created_at, now)}</span></span>')


def _declared(created_at, label, zone, now):
    shown = created_at.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return f'<td class="text-nowrap" data-label="{label}" title="{escape(shown)}">{timeago(created_at, now)}</td>'


def _once(tag):
    """*tag* (a badge of one value) memoized for one list: 25 rows show a handful of values."""
    drawn = {}

    def draw(value):
        if value not in drawn:
            drawn[value] = tag(value)
        return drawn[value]
    return draw


def incident_rows(rows, show_org):
    """The <tr>s of the incident list for *rows* (incident_queries.ROW)."""
    base, zone, out = url_for("incidents.index"), viewer_zone(), []
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    severity, status = _once(severity_tag), _once(status_tag)
    for row in rows:
        link, tick = f"{base}{row.number}", running(row, now, zone)
        org = f'<td data-label="Org">{escape(row.org)}</td>' if show_org else ""
        out.append(
            f'<tr><td class="text-nowrap cell-ref"><a href="{link}">INC-{row.number}</a></td>'
            f'<td data-label="Severity">{severity(row.severity)}</td>'
            f'<td class="text-truncate cell-title"><a class="text-body" href="{link}">{escape(row.title)}</a></td>'
            f'<td data-label="Status">{status(row.status)}{" " + tick if tick else ""}</td>'
            f'<td class="text-nowrap" data-label="SLA">{sla_tag(row, now)}</td>'
            f'<td data-label="Area">{_or_dash(row.area)}</td>'
            f'<td data-label="Assignee">{_or_dash(row.assignee)}</td>'
            f'{org}{_declared(row.created_at, "Declared", zone, now)}</tr>\n')
    return Markup("".join(out))


def ticket_rows(rows, show_org):
    """The <tr>s of a ticket list for *rows* (ticket_queries.ROW)."""
    base, zone, out = url_for("tickets.index"), viewer_zone(), []
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    priority, status = _once(priority_tag), _once(ticket_status_tag)
    for row in rows:
        link = f"{base}{row.number}"
        org = f'<td data-label="Org">{escape(row.org)}</td>' if show_org else ""
        out.append(
            f'<tr><td class="text-nowrap cell-ref"><a href="{link}">TCK-{row.number}</a></td>'
            f'<td class="text-nowrap" data-label="Priority">{priority(row.priority)}</td>'
            f'<td class="text-truncate cell-title"><a class="text-body" href="{link}">{escape(row.title)}</a></td>'
            f'<td class="text-nowrap" data-label="Status">{status(row.status)}</td>'
            f'<td class="text-nowrap" data-label="SLA">{sla_tag(row, now)}</td>'
            f'<td data-label="Campaign">{_or_dash(row.campaign)}</td>'
            f'<td data-label="Issue type">{_or_dash(row.issue_type)}</td>'
            f'<td data-label="Assignee">{_or_dash(row.assignee)}</td>'
            f'{org}{_declared(row.created_at, "Raised", zone, now)}</tr>\n')
    return Markup("".join(out))


def register(app):
    app.jinja_env.globals.update(incident_rows=incident_rows, ticket_rows=ticket_rows, running=running)
