"""Incidents as the API shows them and takes them."""
from marshmallow import Schema, fields, validate

from app.api.schemas.common import PageArgs
from app.representations import INCIDENT_STATUSES as STATUSES, SEVERITIES, IncidentOut  # noqa: F401


class IncidentPage(Schema):
    items = fields.List(fields.Nested(IncidentOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class IncidentQuery(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES + ["open"]))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    assignee_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    product_area_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    q = fields.String(validate=validate.Length(max=100))
    sort = fields.String(load_default="newest", validate=validate.OneOf(["newest", "oldest"]))


class IncidentIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    product_area_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    commander_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    org_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1),
                            metadata={"description": "Provider staff only: the customer organization"})


class IncidentEdit(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    description = fields.String(validate=validate.Length(max=20_000))
    product_area_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    commander_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))


class IncidentTransition(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class Assignment(Schema):
    assignee_id = fields.Integer(required=True, allow_none=True, validate=validate.Range(1, 2**31 - 1),
                                 metadata={"description": "null: nobody"})
