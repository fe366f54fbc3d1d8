"""Emails about incidents: who hears about each event (subscribers only write outbox rows)."""
from app.models import Comment, Severity
from app.links import absolute_url
from app.notifications.email.compose import notify, people
from app.notifications.recipients import commenters, managers_who_can_see


def participants(incident):
    """Everyone taking part: reporter, commander, assignee and whoever commented."""
    return people(incident.reporter, incident.commander, incident.assignee,
                  commenters(Comment.incident_id, incident.id))


def notify_about_incident(event, recipients, template, subject, **context):
    """Anything about a SEV1 is critical: it reaches people who turned that kind off."""
    incident = event.subject
    notify(event, recipients, template, subject, absolute_url("incidents.detail", number=incident.number),
           critical=incident.severity is Severity.SEV1, incident=incident, **context)


def incident_declared(event):
    incident = event.subject
    owners = incident.product_area.owners if incident.product_area else []
    notify_about_incident(event, people(managers_who_can_see(incident), incident.commander, owners),
                          "incident_declared", f"{incident.severity.label} declared: {incident.title}")


def incident_assigned(event):
    assignee = event.data.get("assignee")
    if assignee is not None:
        notify_about_incident(event, [assignee], "incident_assigned", f"Assigned to you: {event.subject.title}")


def incident_status_changed(event):
    incident, old, new = event.subject, event.data["old"], event.data["new"]
    notify_about_incident(event, people(incident.reporter, incident.assignee, incident.commander),
                          "incident_status_changed", f"{old.label} → {new.label}: {incident.title}",
                          old=old, new=new)


def incident_commented(event):
    incident, comment = event.subject, event.data["comment"]
    notify_about_incident(event, participants(incident), "incident_commented",
                          f"New comment from {comment.author.display_name}: {incident.title}", comment=comment)
