"""The kinds of email Relay sends, and which of them people may turn off."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    optional: bool = True   # assignments are not: they always arrive (and so does anything about a SEV1)


KINDS = [
    Kind("incident.declared", "Incidents declared", "A new incident you manage, command or own the area of."),
    Kind("incident.assigned", "Incidents assigned to you", "Always sent.", optional=False),
    Kind("incident.status_changed", "Incident status changes", "On incidents you reported, command or work on."),
    Kind("incident.commented", "Incident comments", "New comments on incidents you take part in."),
    Kind("ticket.created", "Tickets created", "Admins: every new ticket."),
    Kind("ticket.assigned", "Tickets assigned to you", "Always sent.", optional=False),
    Kind("ticket.progress", "Progress on your tickets", "Assigned, resolved, closed or reopened: tickets you raised or work on."),
    Kind("ticket.commented", "Ticket comments", "New comments on tickets you take part in."),
    Kind("ticket.overdue", "Overdue ticket reminders", "Daily, for your tickets open too long."),
    Kind("report.stale", "Stale ticket report", "Admins: daily list of tickets nobody touched lately."),
    Kind("report.weekly", "Weekly summary", "Admins and managers: Monday's numbers."),
]

BY_NAME = {kind.name: kind for kind in KINDS}
OPTIONAL = [kind for kind in KINDS if kind.optional]
