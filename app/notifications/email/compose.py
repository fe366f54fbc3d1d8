"""Queue an email for a person: check their preferences, render both templates, write the outbox row."""
from uuid import uuid4

from flask import current_app, render_template

from app.links import absolute_url
from app.outbox import enqueue
from app.services.notification_settings import wants, who_wants
from app.services.core.permissions import can_see


def queue_email(user, kind, template, subject, dedup_key, ordering_key=None, critical=False, **context):
    """Write one email to *user* into the outbox, unless they turned *kind* off; never sends."""
    if not wants(user, kind, critical=critical):
        return None
    return _write(user, kind, template, subject, dedup_key, ordering_key, **context)


def _write(user, kind, template, subject, dedup_key, ordering_key, **context):
    context.update(user=user, app_name=current_app.config["APP_NAME"],
                   preferences_url=absolute_url("preferences.notifications"))
    payload = {
        "subject": subject,
        "text": render_template(f"email/{template}.txt", **context),
        "html": render_template(f"email/{template}.html", **context),
    }
    return enqueue("email", kind, user.email, payload, dedup_key=f"email:{dedup_key}:{user.id}",
                   ordering_key=ordering_key)


def people(*groups, exclude=None):
    """Flatten groups of users into a list without duplicates, Nones or *exclude*."""
    seen, result = set(), []
    for group in groups:
        for user in group if isinstance(group, (list, tuple, set)) else [group]:
            if user is None or user.id in seen or (exclude is not None and user.id == exclude.id):
                continue
            seen.add(user.id)
            result.append(user)
    return result


def notify(event, recipients, template, subject, link, critical=False, kind=None, **context):
    """Queue *template* about the event's record for each recipient who may see it, never the actor."""
    record = event.subject
    token = uuid4().hex[:16]  # one per event: the same event never mails a person twice
    audience = [user for user in people(recipients, exclude=event.actor) if can_see(user, record)]
    for user in who_wants(audience, kind or event.name, critical=critical):
        _write(user, kind or event.name, template, f"[{record.reference}] {subject}",
               dedup_key=f"{event.name}:{record.reference}:{token}",
               ordering_key=f"email:{user.id}:{record.reference}", actor=event.actor, link=link, **context)
