"""Emails about SLAs: a target at risk (the person working on it), a target breached or an escalation (managers)."""
from app.links import absolute_url
from app.models import Incident
from app.notifications.email.compose import notify, people, queue_email
from app.notifications.recipients import managers_who_can_see
from app.services.core.permissions import can_see
from app.services.sla import policy_for


def link_of(record):
    if isinstance(record, Incident):
        return absolute_url("incidents.detail", number=record.number)
    return absolute_url("tickets.detail", fallback=f"/tickets/{record.number}", number=record.number)


def worker_of(record):
    """The assignee, or the commander of an incident nobody is assigned to."""
    return record.assignee or (record.commander if isinstance(record, Incident) else None)


def manager_of(record, policy):
    """The policy's manager, else every manager who can see the record."""
    if policy.manager is not None and policy.manager.active and can_see(policy.manager, record):
        return [policy.manager]
    return managers_who_can_see(record)


def _queue(users, record, kind, template, subject, event):
    for user in users:
        if user is not None and user.active and can_see(user, record):
            queue_email(user, kind, template, f"[{record.reference}] {subject}",
                        dedup_key=f"{kind}:{record.reference}:{event.data['target']}", critical=True,
                        record=record, label=event.data["label"], clock=event.data["clock"],
                        link=link_of(record))


def at_risk(event):
    record = event.subject
    users = [worker_of(record)] if worker_of(record) else manager_of(record, event.data["policy"])
    _queue(users, record, "sla.at_risk", "sla_at_risk", f"{event.data['label']} target at risk: {record.title}",
           event)


def breached(event):
    record = event.subject
    users = list(dict.fromkeys([*manager_of(record, event.data["policy"]), worker_of(record)]))
    _queue(users, record, "sla.breached", "sla_breached", f"{event.data['label']} target breached: {record.title}",
           event)


def escalated(event):
    """A manager escalated a record by hand: its policy's manager, a ticket's escalation person, and whoever works it."""
    record = event.subject
    policy = policy_for(record.org_id)
    managers = manager_of(record, policy) if policy else managers_who_can_see(record)
    escalation_person = policy.escalation_user if policy and not isinstance(record, Incident) else None
    level_name = "severity" if isinstance(record, Incident) else "priority"
    recipients = people(managers, escalation_person, getattr(record, "commander", None), record.assignee)
    notify(event, recipients, "escalated", f"Escalated: {record.title}", link_of(record), critical=True,
           kind="sla.breached", record=record, level=getattr(record, level_name).label, level_name=level_name,
           **event.data)
