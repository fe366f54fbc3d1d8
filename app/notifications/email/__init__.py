"""Email: the SMTP transport, composing messages, and who hears what."""
from app.notifications.email import incidents, postmortems, sla, tickets, transport
from app.outbox import registry
from app.services.core import events

SUBSCRIBERS = (
    (("incident.declared",), incidents.incident_declared),
    (("incident.assigned",), incidents.incident_assigned),
    (("incident.status_changed",), incidents.incident_status_changed),
    (("incident.commented",), incidents.incident_commented),
    (("postmortem.published",), postmortems.postmortem_published),
    (("ticket.created",), tickets.ticket_created),
    (("ticket.assigned",), tickets.ticket_assigned),
    (("ticket.status_changed",), tickets.ticket_status_changed),
    (("ticket.commented",), tickets.ticket_commented),
    (("incident.sla_at_risk", "ticket.sla_at_risk"), sla.at_risk),
    (("incident.sla_breached", "ticket.sla_breached"), sla.breached),
    (("incident.escalated_by_hand", "ticket.escalated_by_hand"), sla.escalated),
)


def register():
    """Subscribe email to the events it reports and deliver the "email" channel over SMTP."""
    events.subscribe_all(SUBSCRIBERS)
    registry.set_deliverer("email", transport.send_email)
    registry.add_idle_hook(transport.close_connection)
