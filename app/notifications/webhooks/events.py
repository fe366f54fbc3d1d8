"""Who hears what: each incident or ticket event becomes one outbox row per endpoint that wants it."""
from uuid import uuid4

from app.models import Incident, Ticket
from app.models.base import utcnow
from app.outbox import enqueue
from app.representations import CommentOut, IncidentOut, Person, TicketOut
from app.services import webhooks

SHAPES = {Incident: ("incident", IncidentOut()), Ticket: ("ticket", TicketOut())}


def payload(event, kind, shape) -> dict:
    """The message body: the record as the API shows it, who did it, through which front, and what changed."""
    data = {kind: shape.dump(event.subject), "actor": Person().dump(event.actor) if event.actor else None,
            "source": event.source.value}
    if "comment" in event.data:
        data["comment"] = CommentOut().dump(event.data["comment"])
    if event.name.endswith("status_changed"):
        data["changes"] = {"status": {"old": event.data["old"].value, "new": event.data["new"].value}}
    if "changes" in event.data:
        data["changes"] = {field: {"old": _plain(old), "new": _plain(new)}
                           for field, (old, new) in event.data["changes"].items()}
    if event.name == "ticket.promoted" and event.data.get("incident") is not None:
        data["incident"] = IncidentOut().dump(event.data["incident"])
    return {"type": event.name, "timestamp": utcnow().isoformat() + "Z", "data": data}


def _plain(value):
    for attribute in ("value", "display_name", "name"):
        if hasattr(value, attribute) and not isinstance(value, (str, int)):
            return getattr(value, attribute)
    return value


def _queue(endpoint, body, subject_key):
    message_id = f"msg_{uuid4().hex}"
    enqueue("webhook", body["type"], endpoint.url[:320], {"endpoint_id": endpoint.id, "message_id": message_id,
                                                          "body": body},
            dedup_key=f"webhook:{endpoint.id}:{message_id}", ordering_key=f"webhook:{endpoint.id}:{subject_key}")


def record_changed(event):
    """An incident or ticket event, for every endpoint whose organization's members may see the record."""
    kind, shape = SHAPES[type(event.subject)]
    endpoints = webhooks.endpoints_hearing(event.subject.org_id, event.name)
    if not endpoints:
        return
    body = payload(event, kind, shape)
    for endpoint in endpoints:
        _queue(endpoint, body, f"{kind}:{event.subject.id}")


def test_requested(event):
    endpoint = event.subject
    body = {"type": webhooks.TEST_EVENT, "timestamp": utcnow().isoformat() + "Z",
            "data": {"endpoint_id": endpoint.id, "actor": Person().dump(event.actor) if event.actor else None,
                     "source": event.source.value, "message": "A test event from Relay."}}
    _queue(endpoint, body, "test")
