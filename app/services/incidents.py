"""Incidents: declare, find one, move through the lifecycle, assign, edit, comment, delete."""
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Attachment, Comment, Incident, IncidentStatus, ProductArea
from app.models import Severity, Source, User, next_number
from app.models.base import utcnow
from app.services import attachments, audit, live, postmortem_actions
from app.services.assignment import check_assignee
from app.services.core import validation
from app.services.core.events import emit
from app.services.core.errors import Forbidden, InvalidTransition, ValidationError
from app.services.core.permissions import (
    Permission, can, can_see, load_visible, require, staff_member, target_org,
)
from app.services.core.records import apply_assignment, apply_move, check_unchanged, shown
from app.services.incident_lifecycle import LIFECYCLE

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
COMMENT_MAX = 10_000


def _load(actor: User, number: int, *, for_update=False) -> Incident:
    return load_visible(actor, Incident, number, for_update=for_update)


def get_incident(actor: User, number: int) -> Incident:
    """Return the incident numbered *number* if *actor* may see it."""
    return _load(actor, number)


def _product_area(product_area_id):
    product_area_id = validation.optional_id(product_area_id, "product_area_id")
    if product_area_id is None:
        return None
    area = db.session.get(ProductArea, product_area_id)
    if area is None:
        raise ValidationError({"product_area_id": "Choose a product area from the list."})
    return area


def open_incident(actor: User, *, title, severity, description="", product_area_id=None, commander_id=None,
                  org_id=None, reporter: User | None = None, source=Source.WEB, event_data=None) -> Incident:
    """Add a new numbered incident to the current transaction, on the record; never commits."""
    fields = dict(
        title=validation.text(title, "title", max_length=TITLE_MAX),
        description=validation.text(description, "description", max_length=DESCRIPTION_MAX, required=False),
        severity=validation.choice(Severity, severity, "severity"),
        product_area=_product_area(product_area_id),
    )
    org = target_org(actor, org_id)
    commander = staff_member(commander_id, org, "commander_id")
    incident = Incident(**fields, org_id=org, reporter_id=(reporter or actor).id,
                        commander_id=commander.id if commander else None)
    db.session.add(incident)
    db.session.flush()
    audit.record(incident, "declared", actor, source, new=f"{incident.severity.label}: {incident.title}")
    if commander:
        audit.record(incident, "commander_set", actor, source, field="commander", new=commander.display_name)
    # Taken last, so the subscribers' rows (their messages quote the number) wait for the commit's
    # flush rather than each going out on its own. On SQLite the number is a counter row locked
    # until commit; on PostgreSQL a sequence, which no other declaration waits on.
    incident.number = next_number("incident")
    incident.updated_at = incident.created_at  # numbering is part of declaring, not an update
    with db.session.no_autoflush:
        emit("incident.declared", incident, actor, source, **(event_data or {}))
    return incident


def declare_incident(actor: User, *, title, severity, description="", product_area_id=None,
                     commander_id=None, org_id=None, source=Source.WEB, event_data=None) -> Incident:
    """Declare a new incident, numbered and on the record (*event_data* rides along on incident.declared)."""
    require(actor, Permission.RAISE)
    incident = open_incident(actor, title=title, severity=severity, description=description,
                             product_area_id=product_area_id, commander_id=commander_id, org_id=org_id,
                             source=source, event_data=event_data)
    db.session.commit()
    return incident


def allowed_transitions(actor: User, incident: Incident):
    """The lifecycle moves *actor* may make on *incident* right now."""
    return LIFECYCLE.allowed(actor, incident)


def transition_incident(actor: User, number: int, target, *, expected_status=None,
                        source=Source.WEB) -> Incident:
    """Move an incident to *target*, if the lifecycle and *actor*'s role allow it."""
    incident = _load(actor, number, for_update=True)
    target = validation.choice(IncidentStatus, target, "status")
    check_unchanged(incident, expected_status)
    LIFECYCLE.check(actor, incident, target)
    postmortem_actions.check_can_close(incident, target)
    apply_move(LIFECYCLE, actor, incident, target, source)
    db.session.commit()
    return incident


def can_take(actor: User, incident: Incident) -> bool:
    """Whether *actor* may use Assign to me on *incident* now (what assign_incident enforces)."""
    return (can(actor, Permission.WORK) and can_see(actor, incident) and incident.status != IncidentStatus.CLOSED
            and incident.assignee_id != actor.id)


def assign_incident(actor: User, number: int, assignee_id, *, source=Source.WEB) -> Incident:
    """Assign an open incident: responders take it themselves, managers assign anyone."""
    incident = _load(actor, number, for_update=True)
    require(actor, Permission.WORK)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition(f"{incident.reference} is closed; it cannot be assigned.")  # see can_take
    assignee = check_assignee(actor, incident, assignee_id)
    apply_assignment(actor, incident, assignee, source, "incident")
    db.session.commit()
    return incident


EDITABLE = ("title", "description", "severity", "product_area", "commander")


def edit_incident(actor: User, number: int, *, source=Source.WEB, **changes) -> Incident:
    """Change an incident's details; each changed field goes on the timeline."""
    incident = _load(actor, number, for_update=True)
    if not (can(actor, Permission.WORK) or incident.reporter_id == actor.id):
        raise Forbidden("Only responders or the reporter can edit this incident.")
    new = {
        "title": validation.text(changes.get("title", incident.title), "title", max_length=TITLE_MAX),
        "description": validation.text(changes.get("description", incident.description), "description",
                                       max_length=DESCRIPTION_MAX, required=False),
        "severity": validation.choice(Severity, changes.get("severity", incident.severity), "severity"),
        "product_area": _product_area(changes.get("product_area_id", incident.product_area_id)),
        "commander": staff_member(changes.get("commander_id", incident.commander_id),
                                   incident.org_id, "commander_id"),
    }
    if new["commander"] != incident.commander and not can(actor, Permission.WORK):
        raise Forbidden("Only responders can change the incident commander.")
    changed = {}
    for field in EDITABLE:
        old_value, new_value = getattr(incident, field), new[field]
        if old_value == new_value:
            continue
        setattr(incident, field, new_value)
        changed[field] = (old_value, new_value)
        audit.record(incident, "edited", actor, source, field=field,
                     old=shown(old_value), new=shown(new_value))
    if changed:
        emit("incident.edited", incident, actor, source, changes=changed)
    db.session.commit()
    return incident


def comment_on_incident(actor: User, number: int, body, *, source=Source.WEB) -> Comment:
    """Add a comment from *actor* to an incident they can see."""
    incident = _load(actor, number)
    require(actor, Permission.RAISE)
    comment = Comment(incident_id=incident.id, author_id=actor.id,
                      body=validation.text(body, "body", max_length=COMMENT_MAX, label="Comment"))
    db.session.add(comment)
    incident.updated_at = utcnow()
    db.session.flush()
    audit.record(incident, "commented", actor, source, new=comment.body[:200])
    emit("incident.commented", incident, actor, source, comment=comment)
    db.session.commit()
    return comment


def comments_for(incident: Incident):
    return db.session.scalars(
        select(Comment).where(Comment.incident_id == incident.id).order_by(Comment.created_at, Comment.id)
    ).all()


def delete_incident(actor: User, number: int, *, source=Source.WEB):
    """Delete an incident; its audit trail stays, ending with the deletion."""
    incident = _load(actor, number, for_update=True)
    require(actor, Permission.DELETE, "Only admins can delete incidents.")
    audit.record(incident, "deleted", actor, source, old=incident.title)
    emit("incident.deleted", incident, actor, source)
    files = attachments.storage_keys_of(incident)
    db.session.execute(delete(Comment).where(Comment.incident_id == incident.id))
    db.session.execute(delete(Attachment).where(Attachment.incident_id == incident.id))
    db.session.delete(incident)
    live.note_deletion(Incident)
    db.session.commit()
    attachments.remove_files(files)
