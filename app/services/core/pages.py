"""One page of a list: the rows it shows as plain tuples, and a count only when the pager needs it."""
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, literal, select

from app.extensions import db



class RowsPage(Pagination):
    """A page of a SELECT of columns (what a list row shows), counted over the filtered table alone.

    Loading 25 ORM objects with three joined relations costs several times the query itself, and
    counting over the joined SELECT costs more than counting the filtered table, so a list page
    reads columns and counts the table: not at all when this page is the last one, and only up to
    a cap otherwise (then ``capped`` is true and ``total`` is the number known to be exceeded).
    """

    capped = False

    def _query_items(self):
        rows = self._query_args["rows"]
        return db.session.execute(rows.limit(self.per_page).offset(self._query_offset)).all()

    def _query_count(self):
        if len(self.items) < self.per_page and (self.items or self.page == 1):
            return self._query_offset + len(self.items)
        # Counting every one of 20,000 matches of a common word cost more than finding the 25 shown,
        # so count up to LIST_COUNT_CAP, or far enough to link two pages past this one.
        known = max(current_app.config["LIST_COUNT_CAP"], (self.page + 2) * self.per_page)
        found = db.session.scalar(select(func.count()).select_from(
            self._query_args["matching"].limit(known + 1).subquery()))
        self.capped = found > known
        return known if self.capped else found


def rows_page(filtered, columns, joins, order_by, page, per_page):
    """Page *page* of *filtered* (a SELECT of one model with its WHERE) as rows of *columns*."""
    model = filtered.column_descriptions[0]["entity"]
    rows = select(*columns).select_from(model)
    for target, on, outer in joins:
        rows = rows.join(target, on, isouter=outer)
    rows = rows.where(filtered.whereclause).order_by(*order_by)
    matching = select(literal(1)).select_from(model).where(filtered.whereclause)
    return RowsPage(page=max(page, 1), per_page=per_page, max_per_page=None, error_out=False,
                    rows=rows, matching=matching)
