"""Analytics summaries: incident MTTA/MTTR per severity, and the ticket summary."""
from marshmallow import Schema, fields, validate


class AnalyticsQuery(Schema):
    days = fields.Integer(load_default=90, validate=validate.OneOf([30, 90, 365]))


class SeverityRow(Schema):
    severity = fields.Function(lambda r: r.severity.value, required=True)
    declared = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    mtta_seconds = fields.Float(allow_none=True)
    mttr_seconds = fields.Float(allow_none=True)


class Week(Schema):
    week = fields.Date(required=True, metadata={"description": "The Monday the week starts on"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class IncidentReport(Schema):
    days = fields.Integer(required=True)
    total = fields.Integer(required=True)
    by_severity = fields.List(fields.Nested(SeverityRow), attribute="rows", required=True)
    weeks = fields.Function(lambda r: [{"week": monday.isoformat(), "counts": {s.value: n for s, n in c.items()}}
                                       for monday, c in r.weeks], required=True,
                            metadata={"type": "array", "items": {"type": "object"}})


class TicketSummary(Schema):
    total = fields.Integer(required=True)
    by_status = fields.Function(lambda s: {k.value: v for k, v in s.by_status.items()}, required=True,
                                metadata={"type": "object"})
    open_by_priority = fields.Function(lambda s: {k.value: v for k, v in s.by_priority.items()}, required=True,
                                       metadata={"type": "object"})
    urgent_unassigned = fields.Integer(required=True)
    oldest_open = fields.Function(lambda s: [t.reference for t in s.oldest_open], required=True,
                                  metadata={"type": "array", "items": {"type": "string"}})
