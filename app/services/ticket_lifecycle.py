"""The ticket lifecycle as data: which moves exist, who may make them, what they stamp."""
from dataclasses import dataclass

from app.models import Role
from app.models import TicketStatus as S


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    label: str
    minimum_role: Role
    milestone: str | None = None  # the Ticket timestamp this move sets, if any
    style: str = "primary"
    clears: tuple[str, ...] = ()  # what a reopen undoes
    needs_notes: bool = False     # resolving asks for resolution notes


TRANSITIONS = [
    Transition(S.OPEN, S.IN_PROGRESS, "Start work", Role.RESPONDER),
    Transition(S.IN_PROGRESS, S.RESOLVED, "Resolve", Role.RESPONDER, "resolved_at", "success", needs_notes=True),
    Transition(S.RESOLVED, S.CLOSED, "Close", Role.MANAGER, "closed_at", "dark"),
    Transition(S.RESOLVED, S.OPEN, "Reopen", Role.RESPONDER, None, "outline-danger",
               ("resolved_at", "closed_at", "resolution_notes")),
    Transition(S.CLOSED, S.OPEN, "Reopen", Role.RESPONDER, None, "outline-danger",
               ("resolved_at", "closed_at", "resolution_notes")),
]

_BY_MOVE = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: S, target: S) -> Transition | None:
    return _BY_MOVE.get((source, target))


def transitions_from(source: S) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
