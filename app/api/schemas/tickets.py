"""Tickets as the API shows them and takes them."""
from marshmallow import Schema, fields, validate

from app.api.schemas.common import PageArgs
from app.representations import PRIORITIES, SEVERITIES, TICKET_STATUSES as STATUSES, TicketOut  # noqa: F401

ID = validate.Range(1, 2**31 - 1)


class TicketPage(Schema):
    items = fields.List(fields.Nested(TicketOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class TicketQuery(PageArgs):
    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "mine", "raised", "assigned"]))
    status = fields.String(validate=validate.OneOf(STATUSES + ["open"]))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    campaign_id = fields.Integer(validate=ID)
    issue_type_id = fields.Integer(validate=ID)
    assignee_id = fields.Integer(validate=ID)
    created_from = fields.Date()
    created_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100))
    sort = fields.String(load_default="newest", validate=validate.OneOf(["newest", "oldest"]))


class TicketIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    priority = fields.String(load_default="medium", validate=validate.OneOf(PRIORITIES))
    details = fields.String(load_default="", validate=validate.Length(max=20_000))
    campaign_id = fields.Integer(allow_none=True, validate=ID)
    issue_type_id = fields.Integer(allow_none=True, validate=ID)
    external_url = fields.String(allow_none=True, validate=validate.Length(max=500))
    org_id = fields.Integer(allow_none=True, validate=ID)


class TicketEdit(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    details = fields.String(validate=validate.Length(max=20_000))
    campaign_id = fields.Integer(allow_none=True, validate=ID)
    issue_type_id = fields.Integer(allow_none=True, validate=ID)
    external_url = fields.String(allow_none=True, validate=validate.Length(max=500))


class TicketTransition(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    resolution_notes = fields.String(validate=validate.Length(max=10_000),
                                     metadata={"description": "Required to resolve"})


class Resolution(Schema):
    resolution_notes = fields.String(required=True, validate=validate.Length(min=1, max=10_000))


class Reassignment(Schema):
    assignee_id = fields.Integer(required=True, allow_none=True, validate=ID)
    comment = fields.String(validate=validate.Length(max=10_000))


class Promotion(Schema):
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    product_area_id = fields.Integer(allow_none=True, validate=ID)
    commander_id = fields.Integer(allow_none=True, validate=ID)
