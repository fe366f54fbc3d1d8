"""Records as Relay shows them to other systems: the API's answers and the webhooks' payloads.

Below both fronts, so a webhook carries exactly what GET /api/v1/incidents/N returns.
"""
from datetime import timezone

from marshmallow import Schema, fields

from app.models import IncidentStatus, Priority, Severity, TicketStatus

SEVERITIES = [s.value for s in Severity]
INCIDENT_STATUSES = [s.value for s in IncidentStatus]
PRIORITIES = [p.value for p in Priority]
TICKET_STATUSES = [s.value for s in TicketStatus]


class UtcDateTime(fields.DateTime):
    """A stored (naive UTC) time as RFC 3339 with its offset: 2026-11-29T22:25:32.701515+00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Shown(Schema):
    """Reads attributes straight off the record (marshmallow's generic lookup costs half of a list's time)."""

    def get_attribute(self, obj, attr, default):
        if isinstance(obj, dict):
            return obj.get(attr, default)
        return getattr(obj, attr, default)


class Person(Shown):
    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class Named(Shown):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class IncidentOut(Shown):
    number = fields.Integer(required=True)
    reference = fields.String(required=True, metadata={"example": "INC-42"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    severity = fields.Function(lambda i: i.severity.value, required=True, metadata={"enum": SEVERITIES})
    status = fields.Function(lambda i: i.status.value, required=True, metadata={"enum": INCIDENT_STATUSES})
    organization = fields.Nested(Named, attribute="org", required=True)
    product_area = fields.Nested(Named, allow_none=True)
    reporter = fields.Nested(Person, required=True)
    commander = fields.Nested(Person, allow_none=True)
    assignee = fields.Nested(Person, allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    acknowledged_at = UtcDateTime(allow_none=True)
    mitigated_at = UtcDateTime(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)


class TicketOut(Shown):
    number = fields.Integer(required=True)
    reference = fields.String(required=True, metadata={"example": "TCK-17"})
    title = fields.String(required=True)
    details = fields.String(required=True)
    priority = fields.Function(lambda t: t.priority.value, required=True, metadata={"enum": PRIORITIES})
    status = fields.Function(lambda t: t.status.value, required=True, metadata={"enum": TICKET_STATUSES})
    external_url = fields.String(allow_none=True)
    resolution_notes = fields.String(allow_none=True)
    organization = fields.Nested(Named, attribute="org", required=True)
    campaign = fields.Nested(Named, allow_none=True)
    issue_type = fields.Nested(Named, allow_none=True)
    reporter = fields.Nested(Person, required=True)
    assignee = fields.Nested(Person, allow_none=True)
    incident = fields.Function(lambda t: t.incident.reference if t.incident else None, allow_none=True,
                               metadata={"type": ["string", "null"], "description": "INC-N once promoted"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    resolved_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)


class CommentOut(Shown):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    author = fields.Nested(Person, required=True)
    created_at = UtcDateTime(required=True)


def _time(value):
    return value.replace(tzinfo=timezone.utc).isoformat() if value is not None else None


def _ref(id_, name, key="name"):
    return {"id": id_, key: name} if id_ is not None else None


def incident_from_row(row) -> dict:
    """What IncidentOut shows, from one row of incident_queries.API_ROW (a test keeps the two equal)."""
    return {
        "number": row.number, "reference": f"INC-{row.number}", "title": row.title, "description": row.description,
        "severity": row.severity.value, "status": row.status.value,
        "organization": _ref(row.org_id, row.org_name), "product_area": _ref(row.product_area_id, row.area_name),
        "reporter": _ref(row.reporter_id, row.reporter_name, "display_name"),
        "commander": _ref(row.commander_id, row.commander_name, "display_name"),
        "assignee": _ref(row.assignee_id, row.assignee_name, "display_name"),
        "created_at": _time(row.created_at), "updated_at": _time(row.updated_at),
        "acknowledged_at": _time(row.acknowledged_at), "mitigated_at": _time(row.mitigated_at),
        "resolved_at": _time(row.resolved_at), "closed_at": _time(row.closed_at),
    }
