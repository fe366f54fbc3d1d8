"""Record numbers as people type them: INC-2, TCK-3, #7 or a bare 2."""
import re

from app.models import Incident, Ticket, User
from app.services.core.errors import NotFound
from app.services.core.permissions import load_visible

_REFERENCE = re.compile(r"^\s*#?\s*(?:(INC|TCK)\s*-?\s*)?#?(\d{1,9})\s*$", re.IGNORECASE)
_KINDS = {"INC": Incident, "TCK": Ticket}


def parse(text):
    """(prefix or None, number) if *text* reads as a record number, else None."""
    match = _REFERENCE.match(text or "") if isinstance(text, str) else None
    if not match:
        return None
    number = int(match.group(2))
    if not 1 <= number <= 2**31 - 1:
        return None
    return (match.group(1) or "").upper() or None, number


def number_for(model, text):
    """The number *text* names for *model* records (INC-2 for incidents, a bare 2 for either), or None."""
    parsed = parse(text)
    if parsed is None or parsed[0] not in (None, model.PREFIX):
        return None
    return parsed[1]


def find(actor: User, text):
    """The incident or ticket *text* names that *actor* may see; a bare number tries incidents first."""
    parsed = parse(text)
    if parsed is None:
        raise NotFound(f"“{str(text)[:40]}” is not a record number. Try INC-12 or TCK-34.")
    prefix, number = parsed
    models = [_KINDS[prefix]] if prefix else [Incident, Ticket]
    for model in models:
        try:
            return load_visible(actor, model, number)
        except NotFound:
            continue
    shown = f"{prefix}-{number}" if prefix else f"INC-{number} or TCK-{number}"
    raise NotFound(f"{shown} was not found.")
