"""Several select-box lists read with one statement.

A list page's filter form offers three lists (people, product areas or campaigns and issue
types); a query each, built on every request, cost more than the page's rows. Here each list is
a part of one UNION ALL built once, and the viewer's ids are its parameters.
"""
from sqlalchemy import Integer, literal_column, select, union_all

from app.extensions import db


def part(number, name, id_, position=None):
    """List *number* of a lists() statement: rows of (*id_*, *name*), by *position* then *name*."""
    return select(literal_column(str(number), Integer).label("list"),
                  (position if position is not None else literal_column("0", Integer)).label("position"),
                  name.label("name"), id_.label("id"))


def lists(*parts):
    """The one statement that reads every part in order."""
    return union_all(*parts).order_by("list", "position", "name")


def read(statement, count, params=None):
    """The *count* lists of *statement* as [(str(id), name), ...] each, for a SelectField's choices."""
    found = [[] for _ in range(count)]
    for number, _, name, id_ in db.session.execute(statement, params or {}):
        found[number].append((str(id_), name))
    return found
