"""Schemas every resource shares: problems, people, references, pages, comments, files, the timeline."""
from marshmallow import Schema, fields, validate

from app.representations import CommentOut, Named, Person, UtcDateTime  # noqa: F401  (the API's too)
from app.services.core.cursor import LIMIT_MAX


class Problem(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "For 422: each invalid field and what is wrong with it."})


class PageArgs(Schema):
    cursor = fields.String(validate=validate.Length(max=100),
                           metadata={"description": "`next_cursor` of the previous page"})
    limit = fields.Integer(load_default=25, validate=validate.Range(1, LIMIT_MAX))


class CommentIn(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=10_000))


class AttachmentOut(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploader = fields.Nested(Person, required=True)
    created_at = UtcDateTime(required=True)


class UploadIn(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class TimelineEvent(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True)
    field = fields.String(allow_none=True)
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    actor = fields.Nested(Person, allow_none=True)
    source = fields.Function(lambda event: event.source.value, required=True)
    created_at = UtcDateTime(required=True)


class CommentList(Schema):
    items = fields.List(fields.Nested(CommentOut), required=True)


class AttachmentList(Schema):
    items = fields.List(fields.Nested(AttachmentOut), required=True)


class Timeline(Schema):
    items = fields.List(fields.Nested(TimelineEvent), required=True)
