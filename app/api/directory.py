"""/api/v1/me, organizations, product areas, campaigns and issue types (read; admin tokens write)."""
from flask import g, url_for
from flask_smorest import Blueprint

from app.api import problems
from app.api.auth import current_user, needs_scope, protect
from app.api.records import answer
from app.api.schemas.directory import (
    Me, OptionEdit, OptionIn, OptionOut, OrganizationOut, ProductAreaIn, ProductAreaOut, items_of,
)
from app.services import accounts, ticket_options

blp = Blueprint("api_directory", __name__, description="Who you are, and the lists records refer to")
protect(blp)
problems.register(blp)

OptionList = items_of(OptionOut)


@blp.route("/me", methods=["GET"])
@blp.response(200, Me)
def me():
    """The account your token acts as, and the token's scopes."""
    return {"user": current_user(), "token": g.api_token}


@blp.route("/organizations", methods=["GET"])
@blp.response(200, items_of(OrganizationOut))
def organizations():
    """The organizations you may know of: all for provider staff, else your own."""
    return {"items": accounts.visible_organizations(current_user())}


@blp.route("/product-areas", methods=["GET"])
@blp.response(200, items_of(ProductAreaOut))
def product_areas():
    """The product areas incidents are filed under."""
    return {"items": accounts.list_product_areas()}


@blp.route("/product-areas", methods=["POST"])
@blp.arguments(ProductAreaIn)
@blp.response(201, ProductAreaOut)
@needs_scope("admin")
def create_product_area(body):
    """Add a product area (provider admins, with an admin token)."""
    area = accounts.create_product_area(current_user(), **body)
    return answer(ProductAreaOut().dump(area), 201, {"Location": url_for("api_directory.product_areas")})


def _options(kind, name):
    """GET and POST /<kind>, PUT /<kind>/<id>, for one of the ticket lists."""

    label = ticket_options.LABELS[kind]

    @blp.route(f"/{kind}", methods=["GET"], endpoint=f"{name}_list")
    @blp.doc(summary=f"Every {label}, in the configured order")
    @blp.response(200, OptionList)
    def listed():
        return {"items": ticket_options.list_options(kind)}

    @blp.route(f"/{kind}", methods=["POST"], endpoint=f"{name}_create")
    @blp.doc(summary=f"Add a {label} (provider admins, with an admin token)")
    @blp.arguments(OptionIn)
    @blp.response(201, OptionOut)
    @needs_scope("admin")
    def created(body):
        option = ticket_options.create_option(current_user(), kind, **body)
        return answer(OptionOut().dump(option), 201, {"Location": url_for(f"api_directory.{name}_list")})

    @blp.route(f"/{kind}/<int:option_id>", methods=["PUT"], endpoint=f"{name}_update")
    @blp.doc(summary=f"Rename, reorder, retire or restore a {label} (admin token)")
    @blp.arguments(OptionEdit)
    @blp.response(200, OptionOut)
    @needs_scope("admin")
    def updated(body, option_id):
        return ticket_options.update_option(current_user(), kind, option_id, **body)


_options("campaigns", "campaigns")
_options("issue-types", "issue_types")
