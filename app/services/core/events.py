"""Domain events: services announce what happened; notifiers turn that into outbox rows.

Subscribers run inside the service's transaction and must only write to the
database (never talk to the network), so the change and its notifications
commit or roll back together.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from app.models import Source, User


@dataclass
class Event:
    name: str            # e.g. "incident.status_changed"
    subject: Any         # the Incident or Ticket
    actor: User | None
    source: Source
    data: dict = field(default_factory=dict)


_subscribers: dict[str, list[Callable[[Event], None]]] = defaultdict(list)


def subscribe(*names):
    """Register a function for events *names* ("*" for every event)."""

    def decorator(fn):
        for name in names:
            if fn not in _subscribers[name]:
                _subscribers[name].append(fn)
        return fn

    return decorator


def subscribe_all(table):
    """Subscribe each function in *table*, a sequence of (event names, function)."""
    for names, fn in table:
        subscribe(*names)(fn)


def unsubscribe(fn, *names):
    """Remove *fn* from events *names* (tests that add a subscriber take it away again)."""
    for name in names:
        if fn in _subscribers[name]:
            _subscribers[name].remove(fn)


def emit(name, subject, actor=None, source=Source.WEB, **data):
    event = Event(name, subject, actor, Source(source), data)
    for fn in _subscribers[name] + _subscribers["*"]:
        fn(event)
    return event
