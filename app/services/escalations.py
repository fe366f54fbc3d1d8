"""Escalating from a customer's own Slack channel: an incident in the channel's organization, and a page."""
from dataclasses import dataclass

from app.extensions import db
from app.models import Incident, Severity, SlackMessage, Source, User
from app.services import incidents, pagerduty
from app.services.channel_links import org_for_channel
from app.services.core import validation
from app.services.core.errors import DomainError, Forbidden, ValidationError
from app.services.core.events import emit
from app.services.core.permissions import Permission, require
from app.services.pagerduty_settings import integration_for, own_integration

NOT_LINKED = ("This channel is not linked to an organization, so Relay cannot tell whose incident this would be. "
              "A provider admin can link it: `/incident link <organization>` here, or Admin → Slack channels & "
              "PagerDuty. To declare an incident anyway, use `/incident`.")
USAGE = "Say what is wrong, e.g. `@Relay escalate API is returning 500 errors`."
TITLE_MAX = incidents.TITLE_MAX


@dataclass(frozen=True)
class Escalation:
    incident: Incident
    paged: bool


def _title(text: str) -> str:
    first = text.splitlines()[0].strip()
    return first if len(first) <= TITLE_MAX else first[:TITLE_MAX - 1].rstrip() + "…"


def escalate(actor: User, channel_id, text, *, thread_ts=None, source=Source.SLACK) -> Escalation:
    """Declare an incident in the organization *channel_id* belongs to and page on-call for it.

    The incident is remembered as coming from that channel (and message *thread_ts*), where
    its updates go back. Refused in a channel linked to no organization, and for someone who
    neither belongs to that organization nor works for the provider.
    """
    org = org_for_channel(channel_id)
    if org is None:
        raise DomainError(NOT_LINKED)
    require(actor, Permission.RAISE)
    if actor.org_id != org.id and not actor.is_provider_staff:
        raise Forbidden(f"Your Relay account belongs to another organization, so you cannot escalate for "
                        f"{org.name} here.")
    try:
        text = validation.text(text, "text", max_length=incidents.DESCRIPTION_MAX, label="What is wrong")
    except ValidationError as error:
        raise ValidationError({"text": USAGE if not (text or "").strip() else error.message})
    integration = own_integration(org.id) or integration_for(org.id)  # its own escalation severity first
    incident = incidents.open_incident(
        actor, title=_title(text), severity=integration.default_severity if integration else Severity.SEV2,
        description=text, org_id=org.id, source=source)
    db.session.add(SlackMessage(subject_type="incident", subject_id=incident.id, slot="origin",
                                channel=channel_id, ts=thread_ts))
    paged = pagerduty.page_incident(incident.id, actor, f"Escalated from Slack by {actor.display_name}", source,
                                    details={"slack_channel": channel_id}, commit=False)
    emit("incident.escalated", incident, actor, source, channel=channel_id, thread_ts=thread_ts, paged=paged)
    db.session.commit()
    return Escalation(incident, paged)
