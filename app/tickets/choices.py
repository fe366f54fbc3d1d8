"""Select-box options for the ticket forms, limited to what the viewer may pick."""
import functools

from sqlalchemy import bindparam

from app import choice_lists
from app.incidents.choices import area_choices
from app.models import Campaign, IssueType, TicketStatus, User
from app.services.core.permissions import staff_for_org
from app.services.accounts import list_organizations
from app.services.ticket_options import list_options
from app.tickets.forms import PRIORITY_CHOICES


def _options(kind, blank, current=None):
    entries = [o for o in list_options(kind) if o.active or o == current]
    return [("", blank)] + [(str(o.id), o.name) for o in entries]


def fill_ticket_form(form, actor, ticket=None):
    form.campaign_id.choices = _options("campaigns", "— none —", ticket and ticket.campaign)
    form.issue_type_id.choices = _options("issue-types", "— none —", ticket and ticket.issue_type)
    if actor.is_provider_staff and ticket is None:
        form.org_id.choices = [(str(o.id), o.name) for o in list_organizations()]
    else:
        del form.org_id
    return form


@functools.cache
def _filter_lists():
    """Every campaign and issue type, retired ones too (a list can still be filtered by them), and the
    people, in one statement (see choice_lists)."""
    return choice_lists.lists(
        choice_lists.part(0, Campaign.name, Campaign.id, Campaign.position),
        choice_lists.part(1, IssueType.name, IssueType.id, IssueType.position),
        choice_lists.part(2, User.display_name, User.id).where(staff_for_org(bindparam("org_id"))))


def fill_filter_form(form, actor):
    form.status.choices = [("", "Any status"), ("open", "Open or in progress")] + [
        (s.value, s.label) for s in TicketStatus]
    form.priority.choices = [("", "Any priority")] + PRIORITY_CHOICES
    campaigns, issue_types, people = choice_lists.read(_filter_lists(), 3, {"org_id": actor.org_id})
    form.campaign_id.choices = [("", "Any campaign")] + campaigns
    form.issue_type_id.choices = [("", "Any issue type")] + issue_types
    form.assignee_id.choices = [("", "Anyone")] + people
    return form


def fill_promote_form(form):
    form.product_area_id.choices = area_choices("— none —")
    return form
