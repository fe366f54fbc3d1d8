"""Finding tickets: filtered lists, the CSV export and the summary, all in SQL."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import OPEN_TICKET_STATUSES, Campaign, Incident, IssueType, Organization, Priority, Ticket
from app.models import TicketStatus, User
from app.services import search
from app.services.core import validation
from app.services.core.errors import ValidationError
from app.services.core.pages import filters_key, rows_page
from app.services.core.permissions import Permission, require, viewer_key, visible_filter
from app.services.sla import sla_filter
from app.services.live import version_columns

SCOPES = ("all", "mine", "raised", "assigned")
PRIORITY_RANK = case({p.value: p.rank for p in Priority}, value=Ticket.priority)

SORTS = {
    "newest": (Ticket.created_at.desc(), Ticket.id.desc()),
    "oldest": (Ticket.created_at.asc(), Ticket.id.asc()),
    "updated": (Ticket.updated_at.desc(), Ticket.id.desc()),
    "due": (Ticket.sla_due_at.is_(None), Ticket.sla_due_at.asc(), Ticket.id.asc()),
}


@dataclass
class TicketFilters:
    scope: str = "all"
    status: str | None = None
    priority: str | None = None
    campaign_id: int | None = None
    issue_type_id: int | None = None
    assignee_id: int | None = None
    created_from: date | str | None = None
    created_to: date | str | None = None
    q: str | None = None
    sla: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 25


def _filtered(actor: User, filters: TicketFilters):
    """The SELECT of tickets *actor* may see that match *filters*."""
    scope = filters.scope if filters.scope in SCOPES else "all"
    if scope == "all":
        require(actor, Permission.WORK, "Only responders and above can see every ticket.")
    query = select(Ticket).where(visible_filter(actor, Ticket))
    if scope == "mine":
        query = query.where(or_(Ticket.reporter_id == actor.id, Ticket.assignee_id == actor.id))
    elif scope == "raised":
        query = query.where(Ticket.reporter_id == actor.id)
    elif scope == "assigned":
        query = query.where(Ticket.assignee_id == actor.id)
    if filters.status == "open":
        query = query.where(Ticket.status.in_(OPEN_TICKET_STATUSES))
    elif filters.status:
        query = query.where(Ticket.status == validation.choice(TicketStatus, filters.status, "status"))
    if filters.priority:
        query = query.where(Ticket.priority == validation.choice(Priority, filters.priority, "priority"))
    for column, value, field in ((Ticket.campaign_id, filters.campaign_id, "campaign_id"),
                                 (Ticket.issue_type_id, filters.issue_type_id, "issue_type_id"),
                                 (Ticket.assignee_id, filters.assignee_id, "assignee_id")):
        value = validation.optional_id(value, field)
        if value:
            query = query.where(column == value)
    start, end = validation.day(filters.created_from, "created_from"), validation.day(filters.created_to, "created_to")
    if start and end and start > end:
        raise ValidationError({"created_to": "The end date is before the start date."})
    if start:
        query = query.where(Ticket.created_at >= datetime.combine(start, datetime.min.time()))
    if end:
        query = query.where(Ticket.created_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
    if filters.sla:
        query = query.where(sla_filter(Ticket, filters.sla))
    if filters.q and filters.q.strip():
        query = query.where(search.matching(Ticket, filters.q, Ticket.title, Ticket.details))
    return query


def _order(filters):
    """ORDER BY terms: the record a number names first, then the chosen sort."""
    # Priorities are stored by name, so "priority" sorts by rank, most urgent first.
    if filters.sort == "priority":
        sort = (PRIORITY_RANK.desc(), Ticket.created_at.desc(), Ticket.id.desc())
    else:
        sort = SORTS.get(filters.sort, SORTS["newest"])
    return (*search.exact_first(Ticket, filters.q), *sort)


def list_tickets(actor: User, filters: TicketFilters):
    """Return one page of the tickets *actor* may see, filtered and sorted, as Ticket objects."""
    query = _filtered(actor, filters).order_by(*_order(filters)).options(
        joinedload(Ticket.assignee), joinedload(Ticket.campaign), joinedload(Ticket.issue_type),
        joinedload(Ticket.org))
    return db.paginate(query, page=max(filters.page, 1), per_page=filters.per_page, error_out=False)


Assignee = aliased(User)
ROW = (Ticket.id, Ticket.number, Ticket.title, Ticket.priority, Ticket.status, Ticket.created_at,
       Ticket.sla_state, Ticket.sla_due_at, Campaign.name.label("campaign"), IssueType.name.label("issue_type"),
       Assignee.display_name.label("assignee"), Organization.name.label("org"))
ROW_JOINS = ((Campaign, Campaign.id == Ticket.campaign_id, True), (IssueType, IssueType.id == Ticket.issue_type_id, True),
             (Assignee, Assignee.id == Ticket.assignee_id, True), (Organization, Organization.id == Ticket.org_id, False))


def ticket_rows(actor: User, filters: TicketFilters):
    """One page of a ticket list as rows of what it shows (see ROW), filtered and sorted.

    The list's live version rides along (live.page_version), saving the page a statement.
    """
    return rows_page(("tickets", viewer_key(actor), filters_key(filters)),
                     lambda: (_filtered(actor, filters), ROW, ROW_JOINS, _order(filters)),
                     filters.page, filters.per_page, together=bool(filters.q and filters.q.strip()),
                     riders=version_columns(actor, Ticket))


CSV_HEADER = ["number", "title", "status", "priority", "campaign", "issue type", "organization", "reporter",
              "assignee", "created (UTC)", "updated (UTC)", "resolved (UTC)", "closed (UTC)", "external link",
              "incident"]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(getattr(value, "value", value))
    # A leading = + - @ would make a spreadsheet run the cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_rows(actor: User, filters: TicketFilters, batch=1000):
    """Yield the CSV header, then one row per matching ticket, streamed from the database."""
    ids = _filtered(actor, filters).with_only_columns(Ticket.id)
    reporter, assignee = aliased(User), aliased(User)
    query = (
        select(Ticket.number, Ticket.title, Ticket.status, Ticket.priority, Campaign.name, IssueType.name,
               Organization.name, reporter.display_name, assignee.display_name, Ticket.created_at,
               Ticket.updated_at, Ticket.resolved_at, Ticket.closed_at, Ticket.external_url, Incident.number)
        .join(Organization, Ticket.org_id == Organization.id)
        .join(reporter, Ticket.reporter_id == reporter.id)
        .outerjoin(assignee, Ticket.assignee_id == assignee.id)
        .outerjoin(Campaign, Ticket.campaign_id == Campaign.id)
        .outerjoin(IssueType, Ticket.issue_type_id == IssueType.id)
        .outerjoin(Incident, Ticket.incident_id == Incident.id)
        .where(Ticket.id.in_(ids)).order_by(*_order(filters)))
    # Run the query before the header goes out, so any error comes before the response starts.
    rows = db.session.execute(query.execution_options(yield_per=batch))
    yield CSV_HEADER
    for row in rows:
        cells = [_cell(v) for v in row]
        cells[0] = f"TCK-{row[0]}"
        cells[-1] = f"INC-{row[-1]}" if row[-1] else ""
        yield cells


@dataclass
class TicketSummary:
    by_status: dict
    by_priority: dict          # open tickets only
    matrix: dict               # (status, priority) -> count
    urgent_unassigned: int
    urgent_unassigned_tickets: list
    oldest_open: list
    total: int


def ticket_summary(actor: User, limit=5) -> TicketSummary:
    """Counts by status and priority, open urgent tickets nobody holds, and the oldest open ones."""
    require(actor, Permission.WORK, "Only responders and above can see the ticket summary.")
    visible = visible_filter(actor, Ticket)
    rows = db.session.execute(
        select(Ticket.status, Ticket.priority, func.count()).where(visible).group_by(Ticket.status, Ticket.priority)
    ).all()
    matrix = {(status, priority): n for status, priority, n in rows}
    by_status = {s: sum(n for (st, _), n in matrix.items() if st == s) for s in TicketStatus}
    by_priority = {p: sum(n for (st, pr), n in matrix.items() if pr == p and st.is_open) for p in Priority}
    urgent = (visible & Ticket.status.in_(OPEN_TICKET_STATUSES) & Ticket.assignee_id.is_(None)
              & Ticket.priority.in_([Priority.HIGH, Priority.CRITICAL]))
    urgent_count = db.session.scalar(select(func.count()).select_from(Ticket).where(urgent))
    urgent_list = db.session.scalars(
        select(Ticket).where(urgent).order_by(PRIORITY_RANK.desc(), Ticket.created_at, Ticket.id).limit(limit)
    ).all()
    oldest = db.session.scalars(
        select(Ticket).where(visible & Ticket.status.in_(OPEN_TICKET_STATUSES))
        .order_by(Ticket.created_at, Ticket.id).limit(limit).options(selectinload(Ticket.assignee))
    ).all()
    return TicketSummary(by_status, by_priority, matrix, urgent_count, urgent_list, oldest, sum(matrix.values()))


def matching_tickets(actor: User, filters: TicketFilters):
    """The SELECT of the tickets *actor* may see that match *filters* (unsorted), for cursor pages."""
    return _filtered(actor, filters).options(
        joinedload(Ticket.assignee), joinedload(Ticket.org), joinedload(Ticket.reporter), joinedload(Ticket.campaign),
        joinedload(Ticket.issue_type), joinedload(Ticket.incident))
