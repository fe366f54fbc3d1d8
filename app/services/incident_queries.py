"""Finding incidents: the filtered, sorted list, in SQL."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Incident, IncidentStatus, ProductArea, Severity, User
from app.services import search
from app.services.core import validation
from app.services.core.permissions import visible_filter

SORTS = {
    "newest": (Incident.created_at.desc(), Incident.id.desc()),
    "oldest": (Incident.created_at.asc(), Incident.id.asc()),
    "severity": (Incident.severity.asc(), Incident.created_at.desc()),
    "updated": (Incident.updated_at.desc(), Incident.id.desc()),
}


# What a list row shows, joined into the page's one query (a product area's owners are not shown).
LISTED = (joinedload(Incident.assignee), joinedload(Incident.product_area).lazyload(ProductArea.owners),
          joinedload(Incident.org))


@dataclass
class IncidentFilters:
    status: str | None = None
    severity: str | None = None
    assignee_id: int | None = None
    product_area_id: int | None = None
    q: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 25



def matching_incidents(actor: User, filters: IncidentFilters):
    """The SELECT of the incidents *actor* may see that match *filters* (unsorted)."""
    query = select(Incident).where(visible_filter(actor, Incident))
    if filters.status == "open":
        query = query.where(Incident.status.in_([s for s in IncidentStatus if s.is_open]))
    elif filters.status:
        query = query.where(Incident.status == validation.choice(IncidentStatus, filters.status, "status"))
    if filters.severity:
        query = query.where(Incident.severity == validation.choice(Severity, filters.severity, "severity"))
    for column, value, field in ((Incident.assignee_id, filters.assignee_id, "assignee_id"),
                                 (Incident.product_area_id, filters.product_area_id, "product_area_id")):
        value = validation.optional_id(value, field)
        if value:
            query = query.where(column == value)
    q = validation.search_term(filters.q)
    if q:
        query = query.where(search.matching(Incident, q, Incident.title, Incident.description))
    return query.options(*LISTED)


def list_incidents(actor: User, filters: IncidentFilters):
    """Return one page of the incidents *actor* may see, filtered and sorted."""
    query = matching_incidents(actor, filters)
    query = query.order_by(*search.exact_first(Incident, filters.q), *SORTS.get(filters.sort, SORTS["newest"]))
    return db.paginate(query, page=max(filters.page, 1), per_page=filters.per_page, error_out=False)
