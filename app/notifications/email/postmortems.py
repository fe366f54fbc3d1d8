"""Emails about postmortems: a published one reaches the incident's participants and action item owners."""
from app.links import absolute_url
from app.models import Comment
from app.notifications.email.compose import people, queue_email
from app.notifications.recipients import commenters
from app.services.postmortems import can_read_internal


def postmortem_published(event):
    postmortem = event.subject
    incident = postmortem.incident
    owners = [item.ticket.assignee for item in postmortem.action_items]
    recipients = people(incident.reporter, incident.commander, incident.assignee,
                        commenters(Comment.incident_id, incident.id), owners, exclude=event.actor)
    link = absolute_url("postmortems.view", number=incident.number)
    for user in recipients:
        # Whoever may read it: the provider's staff, and the incident's organization once published.
        if not (can_read_internal(user) or user.org_id == incident.org_id):
            continue
        queue_email(user, "postmortem.published", "postmortem_published",
                    f"[{incident.reference}] Postmortem published: {incident.title}",
                    dedup_key=f"postmortem.published:{incident.reference}:{postmortem.published_at:%Y%m%d%H%M%S%f}",
                    ordering_key=f"email:{user.id}:{incident.reference}", actor=event.actor, link=link,
                    incident=incident, postmortem=postmortem, owned=[i for i in postmortem.action_items
                                                                     if i.ticket.assignee_id == user.id])
