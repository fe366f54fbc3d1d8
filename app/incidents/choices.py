"""Select-box options for the incident forms, limited to what the viewer may pick."""
import functools

from sqlalchemy import bindparam, select

from app import choice_lists
from app.extensions import db
from app.models import IncidentStatus, ProductArea, Severity, User
from app.services.accounts import list_organizations
from app.services.assignment import assignable_people
from app.services.core.permissions import staff_for_org


def staff_choices(org_id, blank="— nobody —"):
    people = db.session.execute(select(User.id, User.display_name).where(staff_for_org(org_id))
                                .order_by(User.display_name))
    return [("", blank)] + [(str(id_), name) for id_, name in people]


def area_choices(blank):
    """Product areas by name: two columns, not the areas with their owners."""
    areas = db.session.execute(select(ProductArea.id, ProductArea.name).order_by(ProductArea.name))
    return [("", blank)] + [(str(id_), name) for id_, name in areas]


def fill_assign_form(form, actor, record):
    """Offer only the people the assignment service will accept from *actor*."""
    form.assignee_id.choices = [(str(person.id), person.display_name) if person else ("", "— unassigned —")
                                for person in assignable_people(actor, record)]
    return form


def fill_incident_form(form, actor, org_id=None):
    org_id = org_id or actor.org_id
    form.product_area_id.choices = area_choices("— none —")
    form.commander_id.choices = staff_choices(org_id)
    if actor.is_provider_staff:
        form.org_id.choices = [(str(o.id), o.name) for o in list_organizations()]
    else:
        del form.org_id
    return form


@functools.cache
def _filter_lists():
    """The incident filters' people and product areas in one statement (see choice_lists)."""
    return choice_lists.lists(
        choice_lists.part(0, User.display_name, User.id).where(staff_for_org(bindparam("org_id"))),
        choice_lists.part(1, ProductArea.name, ProductArea.id))


def fill_filter_form(form, actor):
    form.status.choices = [("", "Any status"), ("open", "Open (not resolved)")] + [
        (s.value, s.label) for s in IncidentStatus]
    form.severity.choices = [("", "Any severity")] + [(s.value, s.label) for s in Severity]
    people, areas = choice_lists.read(_filter_lists(), 2, {"org_id": actor.org_id})
    form.assignee_id.choices = [("", "Anyone")] + people
    form.product_area_id.choices = [("", "Any area")] + areas
    return form
