"""Ticket slash commands: /new-ticket, /agent-tickets, /system-tickets, /ticket-summary."""
from importlib.util import find_spec

from sqlalchemy import func, select

from app.extensions import db
from app.models import Campaign, IssueType, Priority, TicketStatus
from app.services import ticket_options, ticket_queries
from app.services.core.errors import ValidationError
from app.blocks import tickets as ticket_views
from app.slack import people
from app.slack.replies import ephemeral
from app.slack.ui import open_modal


def screenshots_supported():
    """Screenshots need the attachments service; without it the modal has no file field."""
    return find_spec("app.services.attachments") is not None


def new_ticket(form):
    view = ticket_views.new_ticket_modal(ticket_options.list_options("campaigns", active_only=True),
                                         ticket_options.list_options("issue-types", active_only=True),
                                         with_screenshot=screenshots_supported())
    return open_modal(form.get("trigger_id"), view)


def agent_tickets(form):
    actor = people.actor_for(form.get("user_id"), form.get("channel_id"))
    page = ticket_queries.list_tickets(actor, ticket_queries.TicketFilters(
        scope="mine", sort="updated", per_page=ticket_views.MAX_LISTED))
    view = ticket_views.ticket_list_modal("My tickets", page.items, page.total, actor,
                                          empty="You have raised or hold no tickets.")
    return open_modal(form.get("trigger_id"), view)


def _option_id(model, name, field):
    found = db.session.scalar(select(model.id).where(func.lower(model.name) == name.lower()))
    if found is None:
        raise ValidationError({field: f"There is no {field.replace('_', ' ')} called {name[:40]!r}."})
    return found


def system_filters(text):
    """Filters from the command text: `high`, `in_progress`, `status:all`, `campaign:Name`, `type:Name`, words."""
    filters = ticket_queries.TicketFilters(scope="all", status="open", sort="priority",
                                           per_page=ticket_views.MAX_LISTED)
    words = []
    for token in (text or "").split()[:20]:
        key, _, value = token.partition(":")
        key = key.lower() if value else ""
        if key == "status" or (not key and token.lower() in {s.value for s in TicketStatus}):
            filters.status = None if (value or token).lower() == "all" else (value or token).lower()
        elif key == "priority" or (not key and token.lower() in {p.value for p in Priority}):
            filters.priority = (value or token).lower()
        elif key == "campaign":
            filters.campaign_id = _option_id(Campaign, value.replace("_", " "), "campaign")
        elif key == "type":
            filters.issue_type_id = _option_id(IssueType, value.replace("_", " "), "issue_type")
        else:
            words.append(token)
    filters.q = " ".join(words) or None
    return filters


def system_tickets(form):
    actor = people.actor_for(form.get("user_id"), form.get("channel_id"))
    page = ticket_queries.list_tickets(actor, system_filters(form.get("text")))
    view = ticket_views.ticket_list_modal("Tickets", page.items, page.total, actor,
                                          empty="No tickets match those filters.")
    return open_modal(form.get("trigger_id"), view)


def ticket_summary(form):
    actor = people.actor_for(form.get("user_id"), form.get("channel_id"))
    return ephemeral(ticket_views.summary_text(ticket_queries.ticket_summary(actor)))


COMMANDS = {"/new-ticket": new_ticket, "/agent-tickets": agent_tickets, "/system-tickets": system_tickets,
            "/ticket-summary": ticket_summary}
