"""The kinds of email Relay sends, and which of them people may turn off."""
from dataclasses import dataclass

from app.models.user import Role


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    optional: bool = True   # assignments are not: they always arrive (and so does anything about a SEV1)
    minimum_role: Role = Role.REPORTER   # who can be sent one at all
    provider_only: bool = False

    def reaches(self, user) -> bool:
        """True if *user* is someone this kind of email can be sent to (what their settings offer)."""
        return user.role.at_least(self.minimum_role) and (not self.provider_only or user.org.is_provider)


STAFF, MANAGER, ADMIN = Role.RESPONDER, Role.MANAGER, Role.ADMIN

KINDS = [
    Kind("incident.declared", "Incidents declared", "A new incident you manage, command or own the area of.",
         minimum_role=STAFF),
    Kind("incident.assigned", "Incidents assigned to you", "Always sent.", optional=False, minimum_role=STAFF),
    Kind("incident.status_changed", "Incident status changes", "On incidents you reported, command or work on."),
    Kind("incident.commented", "Incident comments", "New comments on incidents you take part in."),
    Kind("postmortem.published", "Postmortems published", "Of incidents you took part in or own follow-up work for."),
    Kind("ticket.created", "Tickets created", "Admins: every new ticket.", minimum_role=ADMIN, provider_only=True),
    Kind("ticket.assigned", "Tickets assigned to you", "Always sent.", optional=False, minimum_role=STAFF),
    Kind("ticket.progress", "Progress on your tickets", "Assigned, resolved, closed or reopened: tickets you raised or work on."),
    Kind("ticket.commented", "Ticket comments", "New comments on tickets you take part in."),
    Kind("ticket.overdue", "Overdue ticket reminders", "Daily, for your tickets open too long.", minimum_role=STAFF),
    Kind("sla.at_risk", "SLA targets at risk", "Always sent: a record you work on nears a deadline.", optional=False,
         minimum_role=STAFF),
    Kind("sla.breached", "SLA targets breached", "Always sent: a record missed a deadline.", optional=False,
         minimum_role=STAFF),
    Kind("report.stale", "Stale ticket report", "Admins: daily list of tickets nobody touched lately.",
         minimum_role=ADMIN, provider_only=True),
    Kind("webhook.disabled", "Webhook endpoints switched off", "Admins: always sent.", optional=False,
         minimum_role=ADMIN, provider_only=True),
    Kind("report.weekly", "Weekly summary", "Admins and managers: Monday's numbers.", minimum_role=MANAGER,
         provider_only=True),
]

BY_NAME = {kind.name: kind for kind in KINDS}
OPTIONAL = [kind for kind in KINDS if kind.optional]
