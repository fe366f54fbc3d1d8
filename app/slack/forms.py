"""Reading what Slack sends back: submitted modal values, button values, errors shown on fields."""
import json

from app.services.core.errors import ValidationError


class BadPayload(Exception):
    """The interaction payload is not something Relay sent or understands."""


def values(view):
    """{block_id: value} from a submitted view's state (text, selected option, user or files)."""
    found = {}
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    blocks = state.get("values") if isinstance(state.get("values"), dict) else {}
    for block_id, actions in blocks.items():
        if not isinstance(actions, dict):
            raise BadPayload("The submitted form is malformed.")
        for action in actions.values():
            if not isinstance(action, dict):
                raise BadPayload("The submitted form is malformed.")
            kind = action.get("type")
            if kind == "static_select":
                option = action.get("selected_option")
                found[block_id] = option.get("value") if isinstance(option, dict) else None
            elif kind == "users_select":
                found[block_id] = action.get("selected_user")
            elif kind == "file_input":
                files = action.get("files")
                found[block_id] = files if isinstance(files, list) else []
            else:
                found[block_id] = action.get("value")
    return found


def field_errors(error: ValidationError, fields, fallback="title"):
    """A `response_action: errors` answer putting each service error on its modal block."""
    errors = {}
    for field, message in error.errors.items():
        block = fields.get(field, fallback)
        errors[block] = f"{errors[block]} {message}" if block in errors else message
    return {"response_action": "errors", "errors": errors}


def button_value(action):
    """The JSON a Relay button carries, with its record number as an int."""
    try:
        value = json.loads(action.get("value") or "")
        value["n"] = int(value["n"])
        return value
    except (ValueError, TypeError, KeyError):
        raise BadPayload("That button carries a value Relay does not understand.")
