"""Cursor pages for the API: keyset on the id, so rows added meanwhile never shift a page."""
import base64
from dataclasses import dataclass

from app.extensions import db
from app.services.core.errors import ValidationError

LIMIT_MAX = 100


@dataclass
class Page:
    items: list
    next_cursor: str | None


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _decode(cursor) -> int | None:
    if cursor in (None, ""):
        return None
    try:
        text = base64.urlsafe_b64decode(str(cursor) + "=" * (-len(str(cursor)) % 4)).decode()
        kind, _, value = text.partition(":")
        number = int(value)
        if kind != "id" or not 0 < number < 2**63:
            raise ValueError
        return number
    except (ValueError, UnicodeError):
        raise ValidationError({"cursor": "This cursor is not one Relay gave out."})


def keyset(query, model, *, cursor=None, limit=25, newest_first=True, rows=False) -> Page:
    """One page of *query* after *cursor*, ordered by *model*.id, with the cursor of the next page.

    *query* selects *model* objects, or (rows=True) rows of columns that include its id.
    """
    if not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
        raise ValidationError({"limit": f"limit must be between 1 and {LIMIT_MAX}."})
    after = _decode(cursor)
    if after is not None:
        query = query.where(model.id < after if newest_first else model.id > after)
    query = query.order_by(model.id.desc() if newest_first else model.id.asc()).limit(limit + 1)
    found = db.session.execute(query).all() if rows else db.session.scalars(query).unique().all()
    more = len(found) > limit
    found = found[:limit]
    return Page(found, _encode(found[-1].id) if more else None)
