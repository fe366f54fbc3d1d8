"""Portable SQL for date arithmetic that SQLite and PostgreSQL spell differently."""
from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.models.search_text import SEARCH_TEXT


class seconds_between(FunctionElement):
    """seconds_between(start, end): end - start in seconds, as a float."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


class week_start(FunctionElement):
    """week_start(ts): the Monday of ts's week, as 'YYYY-MM-DD'."""

    type = String()
    inherit_cache = True
    name = "week_start"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # date_part is double precision; EXTRACT is numeric (PostgreSQL 14+), several times slower to sort and add.
    return f"date_part('epoch', {end} - {start})"


@compiles(week_start, "sqlite")
def _week_sqlite(element, compiler, **kw):
    (ts,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({ts}, '-6 days', 'weekday 1')"


@compiles(week_start, "postgresql")
def _week_postgresql(element, compiler, **kw):
    (ts,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char(date_trunc('week', {ts}), 'YYYY-MM-DD')"


# Text search uses trigram (pg_trgm GIN) indexes on PostgreSQL only; SQLite scans. They live in the
# migration "search indexes", not in the models, so schema comparison leaves them out by this suffix.
TRIGRAM_SUFFIX = "_trgm"


def include_name(name, type_, parent_names):
    """Alembic's filter: compare everything except the PostgreSQL-only trigram indexes and search copies."""
    if type_ == "column" and name == SEARCH_TEXT:
        return False
    return not (type_ == "index" and name and name.endswith(TRIGRAM_SUFFIX))
