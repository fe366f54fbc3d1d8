"""Finding postmortems (the searchable list) and exporting one as Markdown."""
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models import ActionItem, Incident, Postmortem, PostmortemStatus, Ticket, User
from app.services import search
from app.services.core import validation
from app.services.postmortem_draft import Impact, md, participants, when
from app.services.postmortems import can_read_internal, get_postmortem, sections_for

# Searched besides the incident's title and number: the sections every reader may see.
SEARCHED = (Postmortem.summary, Postmortem.what_happened, Postmortem.root_cause, Postmortem.lessons)


@dataclass
class PostmortemFilters:
    q: str | None = None
    status: str | None = None   # provider staff only: draft or published (default: published)
    page: int = 1
    per_page: int = 25


def _scope(actor: User):
    """The postmortems *actor* may list: staff every organization's, others their own's published ones."""
    if can_read_internal(actor):
        return None
    return (Postmortem.org_id == actor.org_id) & (Postmortem.status == PostmortemStatus.PUBLISHED)


def list_postmortems(actor: User, filters: PostmortemFilters):
    """One page of the postmortems *actor* may read, newest first, matching *filters*."""
    status = PostmortemStatus.PUBLISHED
    if filters.status and can_read_internal(actor):
        status = validation.choice(PostmortemStatus, filters.status, "status")
    query = (select(Postmortem).join(Postmortem.incident).where(Postmortem.status == status)
             .options(contains_eager(Postmortem.incident).joinedload(Incident.org)))
    scope = _scope(actor)
    if scope is not None:
        query = query.where(scope)
    q = validation.search_term(filters.q)
    if q:
        query = query.where(or_(search.matching(Incident, q, Incident.title),
                                *[search.contains(column, q) for column in SEARCHED]))
    order = (Postmortem.published_at.desc() if status is PostmortemStatus.PUBLISHED
             else Postmortem.updated_at.desc())
    query = query.order_by(*search.exact_first(Incident, q), order, Postmortem.id.desc())
    return db.paginate(query, page=max(filters.page, 1), per_page=filters.per_page, error_out=False)


def action_items_of(postmortem: Postmortem):
    """The action items with their tickets and owners, loaded in one query."""
    return db.session.scalars(select(ActionItem).where(ActionItem.postmortem_id == postmortem.id)
                              .options(joinedload(ActionItem.ticket).joinedload(Ticket.assignee))
                              .order_by(ActionItem.id)).all()


def export_markdown(actor: User, number: int) -> tuple[str, str]:
    """The postmortem of incident *number* as a Markdown file (name, text), as *actor* may read it."""
    postmortem = get_postmortem(actor, number)
    incident = postmortem.incident
    impact = Impact.of(incident)
    lines = [f"# Postmortem: {incident.reference} {md(incident.title)}", "",
             f"*{postmortem.status.label}"
             + (f", published {when(postmortem.published_at)}" if postmortem.published_at else "")
             + f"; {incident.severity.label}; impact {when(impact.started)} to {when(impact.ended)}"
             + f" ({impact.length}).*", ""]
    for section in sections_for(actor):
        lines += [f"## {section.heading}", "", getattr(postmortem, section.key) or "_Not written yet._", ""]
    lines += ["## Action items", ""]
    items = action_items_of(postmortem)
    for item in items:
        ticket = item.ticket
        owner = md(ticket.assignee.display_name) if ticket.assignee else "no owner"
        due = f", due {item.due_on:%Y-%m-%d}" if item.due_on else ""
        lines.append(f"- {ticket.reference} {md(ticket.title)} ({ticket.priority.label}, {owner}{due}, "
                     f"{ticket.status.label.lower()})")
    if not items:
        lines.append("_None._")
    lines += ["", "## Participants", "", ", ".join(md(u.display_name) for u in participants(incident)) or "—", ""]
    return f"postmortem-{incident.reference}.md", "\n".join(lines)
