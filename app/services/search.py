"""Text search in the lists: words in the text columns, or the record's number (INC-2, TCK-3, 2)."""
from sqlalchemy import String, bindparam, case, or_

from app.models.search_text import contains_text
from app.services import references
from app.services.core import validation


def _like(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, q):
    """A WHERE clause for rows whose *column* contains the search term *q* (a literal, case-insensitive)."""
    return column.ilike(_like(validation.search_term(q) or ""), escape="\\")


def matching(model, q, *columns):
    """A WHERE clause for *model* rows whose *columns* contain *q*, or whose number *q* names.

    On PostgreSQL a list's title and body are searched through their lowercased copy (see
    app.models.search_text); the rows are the same as ILIKE on each column.
    """
    q = validation.search_term(q) or ""
    # The pattern goes into the SQL as a literal: a prepared statement shared by every term would
    # get a generic plan for "some pattern", which walked every row for a word nothing matches.
    clauses = [contains_text(bindparam(None, _like(q), String(), unique=True, literal_execute=True), *columns)]
    number = references.number_for(model, q)
    if number is not None:
        clauses.append(model.number == number)
    return or_(*clauses)


def exact_first(model, q):
    """ORDER BY terms that put the record whose number *q* names ahead of the text matches."""
    number = references.number_for(model, validation.search_term(q))
    return [] if number is None else [case((model.number == number, 0), else_=1)]
