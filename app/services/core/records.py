"""What incidents and tickets share: applying a lifecycle move and an assignment, and the timeline's wording.

Who may be given a record is services/assignment.py (check_assignee).
"""
from app.models import Source, User
from app.models.base import utcnow
from app.services import audit
from app.services.core import validation
from app.services.core.errors import InvalidTransition
from app.services.core.events import emit
from app.services.core.lifecycle import Lifecycle, Transition


def shown(value):
    """How a field's value reads on the timeline: a person's name, an option's label, or the value."""
    if value is None:
        return None
    for attribute in ("display_name", "label", "name"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return value


def check_unchanged(record, expected_status):
    """Refuse a move made from a page or message that shows an older status."""
    if expected_status and record.status.value != str(expected_status):
        raise InvalidTransition(f"{record.reference} is already {record.status.label.lower()}; "
                                "nothing was changed.")


def apply_move(lifecycle: Lifecycle, actor: User, record, target, source: Source, *, notes=None,
               notes_max=None) -> Transition:
    """Make one lifecycle move on a loaded record: status, milestones, timeline and event; never commits."""
    move = lifecycle.check(actor, record, target)
    if move.needs_notes:
        record.resolution_notes = validation.text(notes, "resolution_notes", max_length=notes_max,
                                                  label="Resolution notes")
    old = record.status
    record.status = target
    if move.milestone:
        setattr(record, move.milestone, utcnow())
    for name in move.clears:
        setattr(record, name, None)
    audit.record(record, "status_changed", actor, source, field="status", old=old, new=target)
    if move.needs_notes:
        audit.record(record, "resolved", actor, source, field="resolution_notes", new=record.resolution_notes)
    emit(f"{lifecycle.kind}.status_changed", record, actor, source, old=old, new=target)
    return move


def apply_assignment(actor: User, record, assignee: User | None, source: Source, kind: str):
    """Give a loaded record to *assignee* (None: nobody), on the timeline and as an event; never commits."""
    previous = record.assignee
    record.assignee = assignee
    audit.record(record, "assigned", actor, source, field="assignee", old=shown(previous), new=shown(assignee))
    emit(f"{kind}.assigned", record, actor, source, assignee=assignee, previous=previous)
