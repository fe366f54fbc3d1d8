"""Small checks shared by the services; each raises ValidationError naming the field."""
from datetime import date, datetime
import enum
import re

from app.services.core.errors import ValidationError


def text(value, field, *, max_length, required=True, label=None):
    """Return *value* stripped, or raise if it is missing, too long or holds control characters."""
    label = label or _label(field)
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise ValidationError({field: f"{label} must be text."})
    plain(value, field, label)
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

# C0 control characters but tab, line feed and carriage return; DEL; lone UTF-16 surrogates.
# PostgreSQL refuses NUL in text, and none of these belongs in anything a person types.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
CONTROL_MESSAGE = "{label} must not contain control characters."
SEARCH_MAX = 100
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def has_control_characters(value) -> bool:
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def plain(value: str, field, label=None) -> str:
    """Return *value*, or raise if it holds control characters."""
    if has_control_characters(value):
        raise ValidationError({field: CONTROL_MESSAGE.format(label=label or _label(field))})
    return value


def search_term(value, field="q", label="Search") -> str | None:
    """A search box's text: stripped, at most SEARCH_MAX characters, None when empty."""
    if not isinstance(value, str):
        return None
    value = plain(value, field, label).strip()[:SEARCH_MAX]
    return value or None


def day(value, field, label=None) -> date | None:
    """A calendar day (a date or YYYY-MM-DD) within EARLIEST_DAY..LATEST_DAY, or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(plain(str(value), field, label).strip())
        except ValueError:
            raise ValidationError({field: "Enter a date as YYYY-MM-DD."})
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValidationError({field: f"Enter a date between {EARLIEST_DAY} and {LATEST_DAY}."})
    return value


def _label(field):
    return field.replace("_", " ").capitalize()
