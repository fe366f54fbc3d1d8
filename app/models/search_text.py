"""Text search on PostgreSQL: a lowercased copy of the searched columns, with a trigram index.

In a UTF-8 database PostgreSQL runs `column ILIKE pattern` as `lower(column) LIKE lower(pattern)`,
lowercasing every row it tests; for a common word that was most of a list search's time. So each
searched table keeps `search_text`, the lowercased title and body joined by a newline, as a generated
column (PostgreSQL keeps it current) with a trigram index, and searches it with LIKE. A search term
holds no control characters, so a match never spans the newline: the rows found are the rows ILIKE
finds on either column. SQLite has no copy and scans with ILIKE. The copy and its index live outside
the models (app.models.sql.include_name), created by a migration and, for tests, after create_all.
"""
from sqlalchemy import Boolean, DDL, event, func, literal_column, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SEARCH_TEXT = "search_text"
SEARCH_INDEX_SUFFIX = "_search_trgm"
SEARCHED = {}  # table name -> the columns its search_text folds, in order


def search_text_sql(table, columns):
    """The PostgreSQL statements that add *table*'s search_text over *columns* and its trigram index."""
    folded = " || E'\\n' || ".join(f"lower(coalesce({column}, ''))" for column in columns)
    return [f"ALTER TABLE {table} ADD COLUMN {SEARCH_TEXT} text GENERATED ALWAYS AS ({folded}) STORED",
            f"CREATE INDEX ix_{table}{SEARCH_INDEX_SUFFIX} ON {table} USING gin ({SEARCH_TEXT} gin_trgm_ops)"]


def keep_search_text(table, *columns):
    """Give *table* its search_text over *columns* whenever create_all makes it on PostgreSQL."""
    SEARCHED[table.name] = columns
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm", *search_text_sql(table.name, columns)]
    for statement in statements:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


class contains_text(FunctionElement):
    """contains_text(pattern, column, ...): true where any column matches the ILIKE *pattern* (escape '\\')."""

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(contains_text)
def _contains_anywhere(element, compiler, **kw):
    pattern, *columns = element.clauses
    either = or_(*(column.ilike(pattern, escape="\\") for column in columns))
    return f"({compiler.process(either, **kw)})"


@compiles(contains_text, "postgresql")
def _contains_postgresql(element, compiler, **kw):
    pattern, *columns = element.clauses
    table = getattr(columns[0], "table", None)
    names = tuple(getattr(column, "name", None) for column in columns)
    if table is None or SEARCHED.get(getattr(table, "name", None)) != names or any(c.table is not table for c in columns):
        return _contains_anywhere(element, compiler, **kw)
    folded = literal_column(f"{table.name}.{SEARCH_TEXT}")
    return compiler.process(folded.like(func.lower(pattern), escape="\\"), **kw)
