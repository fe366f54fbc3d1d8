"""Outbound Slack: the deliverer, and the subscribers that post about incidents, tickets and accounts."""
from app.notifications.slack import accounts, deliver, escalations, incidents, postmortems, sla, tickets
from app.outbox import registry
from app.services.core import events

SUBSCRIBERS = (
    (("incident.declared",), incidents.incident_declared),
    (("incident.status_changed", "incident.assigned", "incident.edited", "incident.commented"),
     incidents.incident_changed),
    (("incident.deleted",), incidents.incident_deleted),
    (("ticket.created",), tickets.ticket_created),
    (("ticket.assigned", "ticket.status_changed", "ticket.edited", "ticket.promoted"), tickets.ticket_changed),
    (("account.provisioned",), accounts.account_provisioned),
    (("postmortem.drafted", "postmortem.published"), postmortems.postmortem_changed),
    (("incident.escalated",), escalations.incident_escalated),
    (("incident.status_changed", "incident.assigned"), escalations.incident_changed),
    (("incident.page_failed",), escalations.page_failed),
    (("incident.pagerduty_noted",), escalations.pagerduty_noted),
    (("incident.sla_at_risk", "ticket.sla_at_risk"), sla.at_risk),
    (("incident.sla_breached", "ticket.sla_breached"), sla.breached),
    (("incident.escalated_by_hand",), incidents.incident_changed),
    (("ticket.escalated_by_hand",), tickets.ticket_escalated),
    (("incident.update_due",), sla.update_due),
)


def register():
    """Subscribe Slack to the events it posts about and deliver the "slack" channel through the Web API."""
    events.subscribe_all(SUBSCRIBERS)
    registry.set_deliverer("slack", deliver.deliver)
