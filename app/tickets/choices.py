"""Select-box options for the ticket forms, limited to what the viewer may pick."""
from app.incidents.choices import staff_choices
from app.models import TicketStatus
from app.services.accounts import list_organizations, list_product_areas
from app.services.ticket_options import list_options
from app.tickets.forms import PRIORITY_CHOICES


def _options(kind, blank, current=None, everything=False):
    entries = [o for o in list_options(kind) if everything or o.active or o == current]
    return [("", blank)] + [(str(o.id), o.name) for o in entries]


def fill_ticket_form(form, actor, ticket=None):
    form.campaign_id.choices = _options("campaigns", "— none —", ticket and ticket.campaign)
    form.issue_type_id.choices = _options("issue-types", "— none —", ticket and ticket.issue_type)
    if actor.is_provider_staff and ticket is None:
        form.org_id.choices = [(str(o.id), o.name) for o in list_organizations()]
    else:
        del form.org_id
    return form


def fill_filter_form(form, actor):
    form.status.choices = [("", "Any status"), ("open", "Open or in progress")] + [
        (s.value, s.label) for s in TicketStatus]
    form.priority.choices = [("", "Any priority")] + PRIORITY_CHOICES
    form.campaign_id.choices = _options("campaigns", "Any campaign", everything=True)
    form.issue_type_id.choices = _options("issue-types", "Any issue type", everything=True)
    form.assignee_id.choices = [("", "Anyone")] + staff_choices(actor.org_id)[1:]
    return form


def fill_promote_form(form):
    form.product_area_id.choices = [("", "— none —")] + [(str(a.id), a.name) for a in list_product_areas()]
    return form
