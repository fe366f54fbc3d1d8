"""Who may be given an incident or a ticket: one list for the form and for the check."""
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.core import validation
from app.services.core.errors import ValidationError
from app.services.core.permissions import Permission, can, can_work_in, require, staff_for_org

NOBODY = None


def assignable_people(actor: User, record) -> list[User | None]:
    """The people *actor* may hand *record* to; NOBODY (None) stands for leaving it unassigned."""
    if not can(actor, Permission.WORK):
        return []
    if can(actor, Permission.ASSIGN_OTHERS):
        staff = db.session.scalars(select(User).where(staff_for_org(record.org_id)).order_by(User.display_name))
        return [NOBODY, *staff]
    # Responders take work or drop their own; handing it to someone else is a manager's call.
    own = [actor] if can_work_in(actor, record.org_id) else []
    return ([NOBODY] if record.assignee_id == actor.id else []) + own


def check_assignee(actor: User, record, assignee_id) -> User | None:
    """The person *record* would go to (None for nobody) if *actor* may make that change; else why not."""
    require(actor, Permission.WORK)
    assignee_id = validation.optional_id(assignee_id, "assignee_id")
    if assignee_id == record.assignee_id:
        who = "assigned to " + record.assignee.display_name if record.assignee else "unassigned"
        raise ValidationError({"assignee_id": f"{record.reference} is already {who}; nothing was changed."})
    for person in assignable_people(actor, record):
        if (person.id if person else None) == assignee_id:
            return person
    if not can(actor, Permission.ASSIGN_OTHERS):
        what = "incidents" if record.PREFIX == "INC" else "tickets"
        raise ValidationError({"assignee_id": f"Only managers can assign {what} to someone else."})
    raise ValidationError({"assignee_id": "Choose an active responder who works for this organization."})
