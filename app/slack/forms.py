"""Reading what Slack sends back: submitted modal values, button values, errors shown on fields."""
import json

from app.services.core.errors import ValidationError


class BadPayload(Exception):
    """The interaction payload is not something Relay sent or understands."""


MAX_RECORD_NUMBER = 2**31 - 1
MAX_OPTION_VALUE = 150  # Slack's limit for an option's value
MAX_TEXT = 10_000       # well above any Relay input; the services say what is too long


def obj(value) -> dict:
    """*value* if it is a JSON object, else an empty one (Slack leaves out what it has nothing for)."""
    return value if isinstance(value, dict) else {}


def string(value, what="A value", limit=MAX_TEXT):
    """*value* if it is a string of at most *limit* characters (None stays None), else BadPayload."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise BadPayload(f"{what} is not what Slack sends.")
    return value


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
                found[block_id] = string(obj(action.get("selected_option")).get("value"), "A chosen option",
                                         MAX_OPTION_VALUE)
            elif kind == "users_select":
                found[block_id] = string(action.get("selected_user"), "A chosen person", 32)
            elif kind == "file_input":
                found[block_id] = _files(action.get("files"))
            else:
                found[block_id] = string(action.get("value"), "A field's value")
    return found


def _files(files):
    """The ids of the files given in a file input (Slack sends a list of file objects)."""
    if files is None:
        return []
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise BadPayload("The files in the form are not what Slack sends.")
    return [string(f.get("id"), "A file id", 40) for f in files if f.get("id") is not None]


def field_errors(error: ValidationError, fields, fallback="title"):
    """A `response_action: errors` answer putting each service error on its modal block."""
    errors = {}
    for field, message in error.errors.items():
        block = fields.get(field, fallback)
        errors[block] = f"{errors[block]} {message}" if block in errors else message
    return {"response_action": "errors", "errors": errors}


def record_number(value):
    """A record number Relay put in a button or form: an int from 1 to 2**31 - 1, else BadPayload."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RECORD_NUMBER:
        raise BadPayload("That names no record Relay could have sent.")
    return value


def button_value(action):
    """The JSON a Relay button carries: its record number as an int, its statuses as strings."""
    try:
        value = json.loads(string(obj(action).get("value"), "A button's value", 500) or "")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadPayload("That button carries a value Relay does not understand.")
    value["n"] = record_number(value.get("n"))
    for key in ("from", "to"):
        string(value.get(key), "A button's status", 40)
    return value
