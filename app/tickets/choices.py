"""Select-box options for the ticket forms, limited to what the viewer may pick."""
from sqlalchemy import select

from app.extensions import db
from app.incidents.choices import area_choices, staff_choices
from app.models import TicketStatus
from app.services.accounts import list_organizations
from app.services.ticket_options import KINDS, list_options
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


def _all_options(kind, blank):
    """Every option of *kind* by id and name, retired ones too: what a list can still be filtered by."""
    model = KINDS[kind]
    rows = db.session.execute(select(model.id, model.name).order_by(model.position, model.name))
    return [("", blank)] + [(str(id_), name) for id_, name in rows]


def fill_filter_form(form, actor):
    form.status.choices = [("", "Any status"), ("open", "Open or in progress")] + [
        (s.value, s.label) for s in TicketStatus]
    form.priority.choices = [("", "Any priority")] + PRIORITY_CHOICES
    form.campaign_id.choices = _all_options("campaigns", "Any campaign")
    form.issue_type_id.choices = _all_options("issue-types", "Any issue type")
    form.assignee_id.choices = [("", "Anyone")] + staff_choices(actor.org_id)[1:]
    return form


def fill_promote_form(form):
    form.product_area_id.choices = area_choices("— none —")
    return form
