"""Analytics as the API shows them: the analytics pages' tables, and the ticket summary."""
from datetime import date, datetime
import enum

from marshmallow import Schema, fields, validate

from app.representations import UtcDateTime
from app.services.analytics_filters import PRESETS


class AnalyticsQuery(Schema):
    period = fields.String(load_default="90", validate=validate.OneOf(list(PRESETS) + ["custom"]),
                           metadata={"description": "days back from now, or custom (date_from and date_to)"})
    date_from = fields.Date()
    date_to = fields.Date()
    org_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    product_area_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))


def _cell(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(getattr(value, "label", value))


CELL = {"type": ["string", "number", "integer", "boolean", "null"]}


class TableOut(Schema):
    title = fields.String(required=True)
    note = fields.String(required=True)
    columns = fields.Function(lambda t: [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
                              required=True, metadata={"type": "array", "items": {"type": "object"}})
    rows = fields.Function(lambda t: [[_cell(v) for v in row] for row in t.rows], required=True,
                           metadata={"type": "array", "items": {"type": "array", "items": CELL},
                                     "description": "durations in seconds; dates ISO 8601"})


class Period(Schema):
    start = UtcDateTime(required=True)
    end = UtcDateTime(required=True)
    org_id = fields.Integer(allow_none=True)
    product_area_id = fields.Integer(allow_none=True)


class IncidentReport(Schema):
    period = fields.Nested(Period, attribute="scope", required=True)
    total = fields.Integer(required=True)
    tables = fields.Dict(keys=fields.String(), values=fields.Nested(TableOut), required=True)


class TicketReport(Schema):
    period = fields.Nested(Period, attribute="scope", required=True)
    opened = fields.Integer(required=True)
    tables = fields.Dict(keys=fields.String(), values=fields.Nested(TableOut), required=True)


class TicketSummary(Schema):
    total = fields.Integer(required=True)
    by_status = fields.Function(lambda s: {k.value: v for k, v in s.by_status.items()}, required=True,
                                metadata={"type": "object"})
    open_by_priority = fields.Function(lambda s: {k.value: v for k, v in s.by_priority.items()}, required=True,
                                       metadata={"type": "object"})
    urgent_unassigned = fields.Integer(required=True)
    oldest_open = fields.Function(lambda s: [t.reference for t in s.oldest_open], required=True,
                                  metadata={"type": "array", "items": {"type": "string"}})
