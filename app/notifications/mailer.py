"""Queue an email for a person: check their preferences, render both templates, write the outbox row."""
from flask import current_app, render_template

from app.notifications.outbox import enqueue
from app.services.notification_settings import wants


def absolute_url(endpoint, **values) -> str:
    """A link for an email: BASE_URL plus the page's path (works without a request)."""
    path = current_app.url_map.bind("relay.invalid").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def queue_email(user, kind, template, subject, dedup_key, ordering_key=None, critical=False, **context):
    """Write one email to *user* into the outbox, unless they turned *kind* off; never sends."""
    if not wants(user, kind, critical=critical):
        return None
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
