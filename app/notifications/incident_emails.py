"""Emails about incidents: who hears about each event (subscribers only write outbox rows)."""
from uuid import uuid4

from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Role, Severity, User
from app.notifications.mailer import absolute_url, people, queue_email
from app.services.events import subscribe
from app.services.permissions import can_see


def managers_who_can_see(incident):
    """Active admins and managers of the provider or of the incident's organization."""
    users = db.session.scalars(select(User).where(User.active.is_(True),
                                                  User.role.in_([Role.ADMIN, Role.MANAGER])))
    return [user for user in users if can_see(user, incident)]


def participants(incident):
    """Everyone taking part: reporter, commander, assignee and whoever commented."""
    commenters = db.session.scalars(select(User).join(Comment, Comment.author_id == User.id)
                                    .where(Comment.incident_id == incident.id).distinct())
    return people(incident.reporter, incident.commander, incident.assignee, list(commenters))


def notify(event, recipients, template, subject, **context):
    """Queue *template* for each recipient who may see the incident, never for the actor."""
    incident = event.subject
    token = uuid4().hex[:16]  # one per event: the same event never mails a person twice
    for user in people(recipients, exclude=event.actor):
        if not can_see(user, incident):
            continue
        queue_email(user, event.name, template, f"[{incident.reference}] {subject}",
                    dedup_key=f"{event.name}:{incident.reference}:{token}",
                    ordering_key=f"email:{user.id}:incident:{incident.id}",
                    critical=incident.severity is Severity.SEV1, incident=incident, actor=event.actor,
                    link=absolute_url("incidents.detail", number=incident.number), **context)


@subscribe("incident.declared")
def incident_declared(event):
    incident = event.subject
    owners = incident.product_area.owners if incident.product_area else []
    notify(event, people(managers_who_can_see(incident), incident.commander, owners), "incident_declared",
           f"{incident.severity.label} declared: {incident.title}")


@subscribe("incident.assigned")
def incident_assigned(event):
    assignee = event.data.get("assignee")
    if assignee is not None:
        notify(event, [assignee], "incident_assigned", f"Assigned to you: {event.subject.title}")


@subscribe("incident.status_changed")
def incident_status_changed(event):
    incident, old, new = event.subject, event.data["old"], event.data["new"]
    notify(event, people(incident.reporter, incident.assignee, incident.commander), "incident_status_changed",
           f"{old.label} → {new.label}: {incident.title}", old=old, new=new)


@subscribe("incident.commented")
def incident_commented(event):
    incident, comment = event.subject, event.data["comment"]
    notify(event, participants(incident), "incident_commented",
           f"New comment from {comment.author.display_name}: {incident.title}", comment=comment)
