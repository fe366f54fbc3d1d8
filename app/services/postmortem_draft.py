"""Writing a postmortem's first draft from the incident's record: summary, impact, key events."""
from dataclasses import dataclass
from datetime import datetime
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, AuditEvent, Comment, Incident, User

# Timeline entries that make a postmortem's list of key events (comments only when marked key).
KEY_ACTIONS = {"declared", "status_changed", "commander_set", "promoted_from",
               "paged", "page_failed", "escalated", "pagerduty"}  # paging, escalations, PagerDuty's own notes
KEY_FIELDS = {"severity", "commander"}     # edits worth a line: a severity change is an escalation
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md(text) -> str:
    """*text* (something a person typed) as literal Markdown: no emphasis, link or heading of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "—"


def span(start: datetime | None, end: datetime | None) -> str:
    """A duration such as 1h 5m, or — when either end is missing."""
    if not start or not end:
        return "—"
    minutes = max(int((end - start).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    return " ".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n) or "<1m"


@dataclass
class Impact:
    """The impact window (declared until resolved, or mitigated if that is all there is) and durations."""

    started: datetime
    ended: datetime | None
    to_acknowledge: str
    to_mitigate: str
    to_resolve: str

    @classmethod
    def of(cls, incident: Incident):
        ended = incident.resolved_at or incident.mitigated_at
        start = incident.created_at
        return cls(start, ended, span(start, incident.acknowledged_at), span(start, incident.mitigated_at),
                   span(start, incident.resolved_at))

    @property
    def length(self):
        return span(self.started, self.ended)


def participants(incident: Incident) -> list[User]:
    """Everyone who acted on the incident, commented on it, commanded or worked it; by name."""
    actor_ids = select(AuditEvent.actor_id).where(AuditEvent.subject_type == "incident",
                                                  AuditEvent.subject_id == incident.id)
    author_ids = select(Comment.author_id).where(Comment.incident_id == incident.id)
    ids = {incident.reporter_id, incident.commander_id, incident.assignee_id}
    ids |= set(db.session.scalars(actor_ids.union(author_ids)))
    ids.discard(None)
    return db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.display_name)).all()


def _is_key(event: AuditEvent) -> bool:
    if event.action in KEY_ACTIONS:
        return True
    return event.action == "edited" and event.field in KEY_FIELDS


def _line(event: AuditEvent) -> str:
    who = md(event.actor.display_name) if event.actor else "Relay"
    if event.action == "declared":
        return f"{who} declared the incident: {md(event.new_value)}"
    if event.action == "status_changed":
        return f"{who} moved it from {md((event.old_value or '').capitalize())} to {md((event.new_value or '').capitalize())}"
    if event.action == "edited":
        return f"{who} changed the {md(event.field)} from {md(event.old_value or '—')} to {md(event.new_value or '—')}"
    if event.action == "commander_set":
        return f"{who} made {md(event.new_value)} incident commander"
    if event.action == "paged":
        return f"{who} paged on-call in PagerDuty: {md(event.new_value)}"
    if event.action == "page_failed":
        return f"Paging on-call failed: {md(event.new_value)}"
    if event.action == "escalated":
        return f"{who} escalated: {md(event.new_value)}"
    if event.action == "pagerduty":
        return f"PagerDuty ({md(event.field)}): {md(event.new_value)}"
    detail = f": {md(event.new_value)}" if event.new_value else ""
    return f"{who}: {md(event.action.replace('_', ' '))}{detail}"


def key_events(incident: Incident) -> list[tuple[datetime, str]]:
    """The incident's key moments, oldest first: lifecycle, severity, commander, paging, key comments."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "incident", AuditEvent.subject_id == incident.id).order_by(AuditEvent.id))
    key = [event for event in events if _is_key(event)]
    lines = [(event.created_at, _line(event)) for event in key]
    if not any(event.action == "declared" for event in key):  # records made before the audit trail had one
        lines.insert(0, (incident.created_at, f"Declared: {md(incident.title)}"))
    key_comments = db.session.scalars(select(Comment).where(
        Comment.incident_id == incident.id, Comment.is_key.is_(True)).order_by(Comment.created_at, Comment.id))
    lines += [(c.created_at, f"{md(c.author.display_name)} noted: {md(c.body[:500])}") for c in key_comments]
    return sorted(lines, key=lambda line: line[0])


def timeline_text(incident: Incident) -> str:
    return "\n".join(f"- **{when(at)}** {line}" for at, line in key_events(incident)) or "- (no key events)"


def summary_text(incident: Incident) -> str:
    """The summary section: what the record says about the incident, as Markdown."""
    impact = Impact.of(incident)
    files = db.session.scalars(select(Attachment.filename).where(Attachment.incident_id == incident.id)
                               .order_by(Attachment.id)).all()
    facts = [
        ("Incident", f"{incident.reference}: {md(incident.title)}"),
        ("Severity", incident.severity.label),
        ("Organizations affected", md(incident.org.name)),
        ("Product area", md(incident.product_area.name) if incident.product_area else "—"),
        ("Incident commander", md(incident.commander.display_name) if incident.commander else "—"),
        ("Impact", f"{when(impact.started)} to {when(impact.ended)} ({impact.length})"),
        ("Time to acknowledge", impact.to_acknowledge),
        ("Time to mitigate", impact.to_mitigate),
        ("Time to resolve", impact.to_resolve),
        ("Participants", ", ".join(md(u.display_name) for u in participants(incident)) or "—"),
        ("Attachments", ", ".join(md(name) for name in files) or "none"),
    ]
    return "\n".join(f"- **{label}:** {value}" for label, value in facts)


def first_draft(incident: Incident) -> dict[str, str]:
    """The sections a new postmortem starts with."""
    return {"summary": summary_text(incident), "timeline": timeline_text(incident)}
