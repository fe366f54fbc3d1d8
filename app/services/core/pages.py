"""One page of a list: the rows it shows as plain tuples, and a count only when the pager needs it."""
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app.extensions import db


class RowsPage(Pagination):
    """A page of a SELECT of columns (what a list row shows), counted over the filtered table alone.

    Loading 25 ORM objects with three joined relations costs several times the query itself, and
    counting over the joined SELECT costs more than counting the filtered table, so a list page
    reads columns and counts the table (and not at all when the first page holds everything).
    """

    def _query_items(self):
        rows = self._query_args["rows"]
        return db.session.execute(rows.limit(self.per_page).offset(self._query_offset)).all()

    def _query_count(self):
        if self.page == 1 and len(self.items) < self.per_page:
            return len(self.items)
        return db.session.scalar(self._query_args["counting"])


def rows_page(filtered, columns, joins, order_by, page, per_page):
    """Page *page* of *filtered* (a SELECT of one model with its WHERE) as rows of *columns*."""
    model = filtered.column_descriptions[0]["entity"]
    rows = select(*columns).select_from(model)
    for target, on, outer in joins:
        rows = rows.join(target, on, isouter=outer)
    rows = rows.where(filtered.whereclause).order_by(*order_by)
    count = select(func.count()).select_from(model).where(filtered.whereclause)
    return RowsPage(page=max(page, 1), per_page=per_page, max_per_page=None, error_out=False,
                    rows=rows, counting=count)
