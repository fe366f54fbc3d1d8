"""The signed-in identity, organizations, product areas, campaigns and issue types."""
from marshmallow import Schema, fields, validate

from app.api.schemas.common import Named, UtcDateTime


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.Function(lambda u: u.role.value, required=True)
    organization = fields.Nested(Named, attribute="org", required=True)
    timezone = fields.String(allow_none=True)


class TokenInfo(Schema):
    name = fields.String(required=True)
    scopes = fields.Function(lambda t: sorted(t.scope_set), required=True,
                             metadata={"type": "array", "items": {"type": "string"}})
    service = fields.Boolean(required=True, metadata={"description": "An organization's service token"})
    expires_at = UtcDateTime(allow_none=True)


class Me(Schema):
    user = fields.Nested(UserOut, required=True)
    token = fields.Nested(TokenInfo, required=True)


class OrganizationOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    is_provider = fields.Boolean(required=True)


class ProductAreaOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class ProductAreaIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    description = fields.String(load_default="", validate=validate.Length(max=255))


class OptionOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    position = fields.Integer(required=True)


class OptionIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    position = fields.Integer(allow_none=True, validate=validate.Range(0, 10_000))


class OptionEdit(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    position = fields.Integer(required=True, validate=validate.Range(0, 10_000))
    active = fields.Boolean(required=True)


def items_of(schema):
    return type(f"{schema.__name__.removesuffix('Out')}List", (Schema,),
                {"items": fields.List(fields.Nested(schema), required=True)})
