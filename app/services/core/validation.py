"""Small checks shared by the services; each raises ValidationError naming the field."""
import enum

from app.services.core.errors import ValidationError


def text(value, field, *, max_length, required=True, label=None):
    """Return *value* stripped, or raise if it is missing or too long."""
    label = label or field.replace("_", " ").capitalize()
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise ValidationError({field: f"{label} must be text."})
    if required and not value:
        raise ValidationError({field: f"{label} is required."})
    if len(value) > max_length:
        raise ValidationError({field: f"{label} must be at most {max_length} characters."})
    return value


def choice(enum_cls: type[enum.Enum], value, field, label=None):
    """Return the member of *enum_cls* named by *value* (member or its value)."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError({field: f"{label or field.capitalize()} must be one of: {allowed}."})


def optional_id(value, field):
    """Return an int id, or None for empty values."""
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "Choose a valid option."})
    if number < 1 or number > 2**31 - 1:
        raise ValidationError({field: "Choose a valid option."})
    return number


def page_number(value, last=100_000):
    """A page number from user input, kept within 1..*last*."""
    try:
        return min(max(int(value), 1), last)
    except (TypeError, ValueError):
        return 1
