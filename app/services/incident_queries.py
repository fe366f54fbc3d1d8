"""Finding incidents: the filtered, sorted list, in SQL."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import Incident, IncidentStatus, Organization, ProductArea, Severity, User
from app.services import search
from app.services.core import validation
from app.services.core.pages import filters_key, rows_page
from app.services.core.permissions import viewer_key, visible_filter
from app.services.live import version_columns
from app.services.sla import sla_filter

SORTS = {
    "newest": (Incident.created_at.desc(), Incident.id.desc()),
    "oldest": (Incident.created_at.asc(), Incident.id.asc()),
    "severity": (Incident.severity.asc(), Incident.created_at.desc()),
    "updated": (Incident.updated_at.desc(), Incident.id.desc()),
    "due": (Incident.sla_due_at.is_(None), Incident.sla_due_at.asc(), Incident.id.asc()),
}


@dataclass
class IncidentFilters:
    status: str | None = None
    severity: str | None = None
    assignee_id: int | None = None
    product_area_id: int | None = None
    q: str | None = None
    sla: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 25


def _filtered(actor: User, filters: IncidentFilters):
    """The SELECT of incidents *actor* may see that match *filters*."""
    query = select(Incident).where(visible_filter(actor, Incident))
    if filters.status == "open":
        query = query.where(Incident.status.in_([s for s in IncidentStatus if s.is_open]))
    elif filters.status:
        query = query.where(Incident.status == validation.choice(IncidentStatus, filters.status, "status"))
    if filters.severity:
        query = query.where(Incident.severity == validation.choice(Severity, filters.severity, "severity"))
    if filters.assignee_id:
        query = query.where(Incident.assignee_id == filters.assignee_id)
    if filters.product_area_id:
        query = query.where(Incident.product_area_id == filters.product_area_id)
    if filters.sla:
        query = query.where(sla_filter(Incident, filters.sla))
    if filters.q and filters.q.strip():
        query = query.where(search.matching(Incident, filters.q, Incident.title, Incident.description))
    return query


Reporter, Commander, Holder = aliased(User), aliased(User), aliased(User)
# Everything the API shows of an incident, as one row: reading 50 ORM objects with five relations
# costs several times the query (see representations.incident_from_row).
API_ROW = (Incident.id, Incident.number, Incident.title, Incident.description, Incident.severity, Incident.status,
           Incident.org_id, Organization.name.label("org_name"), Incident.product_area_id,
           ProductArea.name.label("area_name"), Incident.reporter_id, Reporter.display_name.label("reporter_name"),
           Incident.commander_id, Commander.display_name.label("commander_name"), Incident.assignee_id,
           Holder.display_name.label("assignee_name"), Incident.created_at, Incident.updated_at,
           Incident.acknowledged_at, Incident.mitigated_at, Incident.resolved_at, Incident.closed_at)


def matching_incident_rows(actor: User, filters: IncidentFilters):
    """The incidents *actor* may see that match *filters*, as rows of API_ROW (unsorted), for cursor pages."""
    return (select(*API_ROW).select_from(Incident)
            .join(Organization, Organization.id == Incident.org_id)
            .join(Reporter, Reporter.id == Incident.reporter_id)
            .outerjoin(ProductArea, ProductArea.id == Incident.product_area_id)
            .outerjoin(Commander, Commander.id == Incident.commander_id)
            .outerjoin(Holder, Holder.id == Incident.assignee_id)
            .where(_filtered(actor, filters).whereclause))


def _order(filters):
    return (*search.exact_first(Incident, filters.q), *SORTS.get(filters.sort, SORTS["newest"]))


Assignee = aliased(User)
ROW = (Incident.id, Incident.number, Incident.title, Incident.severity, Incident.status, Incident.created_at,
       Incident.sla_state, Incident.sla_due_at,
       ProductArea.name.label("area"), Assignee.display_name.label("assignee"), Organization.name.label("org"))
ROW_JOINS = ((ProductArea, ProductArea.id == Incident.product_area_id, True),
             (Assignee, Assignee.id == Incident.assignee_id, True),
             (Organization, Organization.id == Incident.org_id, False))


def incident_rows(actor: User, filters: IncidentFilters):
    """One page of the incident list as rows of what it shows (see ROW), filtered and sorted.

    The list's live version rides along (live.page_version), saving the page a statement.
    """
    return rows_page(("incidents", viewer_key(actor), filters_key(filters)),
                     lambda: (_filtered(actor, filters), ROW, ROW_JOINS, _order(filters)),
                     filters.page, filters.per_page, together=bool(filters.q and filters.q.strip()),
                     riders=version_columns(actor, Incident))
