"""One page of a list: the rows it shows as plain tuples, and a count only when the pager needs it."""
import dataclasses

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, literal, select

from app.extensions import db

STATEMENTS_KEPT = 256  # lists as distinct viewers filter them; past this the store starts again
_statements = {}


class RowsPage(Pagination):
    """A page of a SELECT of columns (what a list row shows), counted over the filtered table alone.

    Loading 25 ORM objects with three joined relations costs several times the query itself, and
    counting over the joined SELECT costs more than counting the filtered table, so a list page
    reads columns and counts the table: not at all when this page is the last one, and only up to
    a cap otherwise (then ``capped`` is true and ``total`` is the number known to be exceeded).
    """

    capped = False
    found = None  # matches counted with the rows (a search), up to known() + 1
    riders = None  # the values of the riders (see rows_page), read with a page that has rows

    def known(self):
        """How far to count: up to LIST_COUNT_CAP, or far enough to link two pages past this one."""
        return max(current_app.config["LIST_COUNT_CAP"], (self.page + 2) * self.per_page)

    def _query_items(self):
        if self._query_args["together"]:
            return self._rows_with_count()
        result = db.session.execute(self._query_args["rows"], {
            "page_size": self.per_page, "page_start": self._query_offset, "count_limit": self.known() + 1,
            **self._query_args["rider_params"]}).all()
        self._read_along(result)
        return result

    def _read_along(self, result):
        if result:
            self.found = result[0].found
            self.riders = tuple(result[0][len(result[0]) - self._query_args["riders"]:])

    def _rows_with_count(self):
        """The page's rows and the capped count in one statement, from one pass over the matches.

        A search finds its matches through the trigram index; counting them apart from the rows
        made PostgreSQL scan the index twice, which cost most of a search for a phrase of common words.
        """
        args = self._query_args
        model, order_by = args["model"], args["order_by"]
        matched = (select(model.id.label("id"), func.row_number().over(order_by=order_by).label("position"))
                   .where(args["where"]).order_by(*order_by)
                   .limit(bindparam("known", self.known() + 1, literal_execute=True)).cte("matched"))
        found = select(func.count()).select_from(matched).scalar_subquery().label("found")
        rows = (args["columns"].add_columns(found, *args["rider_columns"]).join(matched, matched.c.id == model.id)
                .where(matched.c.position > self._query_offset,
                       matched.c.position <= self._query_offset + self.per_page)
                .order_by(matched.c.position))
        result = db.session.execute(rows, args["rider_params"]).all()
        self._read_along(result)
        return result

    def _query_count(self):
        if len(self.items) < self.per_page and (self.items or self.page == 1):
            return self._query_offset + len(self.items)
        known = self.known()
        found = self.found
        if found is None:
            # Counting every one of 20,000 matches of a common word cost more than finding the 25 shown.
            found = db.session.scalar(self._query_args["counted"], {"count_limit": known + 1})
        self.capped = found > known
        return known if self.capped else found


def _build(riders, filtered, columns, joins, order_by):
    model = filtered.column_descriptions[0]["entity"]
    shown = select(*columns).select_from(model)
    for target, on, outer in joins:
        shown = shown.join(target, on, isouter=outer)
    where = filtered.whereclause
    matching = select(literal(1)).select_from(model).where(where).limit(bindparam("count_limit"))
    counted = select(func.count()).select_from(matching.subquery())
    # The capped count rides along as one more column (the database runs it once, not per row):
    # a statement of its own cost as much as the rows' statement.
    rows = (shown.add_columns(counted.scalar_subquery().label("found"), *riders).where(where).order_by(*order_by)
            .limit(bindparam("page_size")).offset(bindparam("page_start")))
    return dict(rows=rows, counted=counted, columns=shown, model=model, where=where, order_by=order_by,
                rider_columns=riders, riders=len(riders))


def rows_page(key, build, page, per_page, together=False, riders=((), {})):
    """Page *page* of a list as rows; build() gives (filtered, columns, joins, order_by) for *key*.

    *filtered* is a SELECT of one model with its WHERE. Building the statements and their cache keys
    cost more than running them, so they are built once per *key*, which must name everything build()
    reads (viewer and filters): they hold no data, so every process may keep its own. *together*
    reads the rows and the capped count in one statement (for searches; see RowsPage).

    *riders* are (columns, parameters): scalar subqueries the rows' statement carries after its own
    columns, so the page reads them without a statement of their own (their values are the page's
    ``riders`` when it has rows). Their columns must be the same for every call with the same *key*.
    """
    statements = _statements.get(key)
    if statements is None:
        statements = _build(riders[0], *build())
        if len(_statements) >= STATEMENTS_KEPT:
            _statements.clear()
        _statements[key] = statements
    return RowsPage(page=max(page, 1), per_page=per_page, max_per_page=None, error_out=False, together=together,
                    rider_params=riders[1], **statements)


def filters_key(filters) -> tuple:
    """What a list's filters (a dataclass) decide about its statements: all but the page and its size."""
    return tuple(value for name, value in dataclasses.asdict(filters).items() if name not in ("page", "per_page"))
