"""The incident lifecycle as data: which moves exist, who may make them, what they stamp."""
from dataclasses import dataclass

from app.models import IncidentStatus as S
from app.models import Role


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    label: str
    minimum_role: Role
    milestone: str | None = None  # the Incident timestamp this move sets, if any
    style: str = "primary"
    clears: tuple[str, ...] = ()  # milestones a step back undoes, so MTTR counts the last fix


TRANSITIONS = [
    Transition(S.DETECTED, S.INVESTIGATING, "Acknowledge", Role.RESPONDER, "acknowledged_at"),
    Transition(S.DETECTED, S.CLOSED, "Close as false alarm", Role.MANAGER, "closed_at", "outline-secondary"),
    Transition(S.INVESTIGATING, S.MITIGATED, "Mark mitigated", Role.RESPONDER, "mitigated_at", "warning"),
    Transition(S.MITIGATED, S.INVESTIGATING, "Regressed: back to investigating", Role.RESPONDER,
               None, "outline-danger", ("mitigated_at",)),
    Transition(S.MITIGATED, S.RESOLVED, "Resolve", Role.RESPONDER, "resolved_at", "success"),
    Transition(S.RESOLVED, S.INVESTIGATING, "Reopen", Role.RESPONDER,
               None, "outline-danger", ("mitigated_at", "resolved_at")),
    Transition(S.RESOLVED, S.POSTMORTEM, "Start postmortem", Role.RESPONDER),
    Transition(S.POSTMORTEM, S.CLOSED, "Close", Role.MANAGER, "closed_at", "dark"),
]

_BY_MOVE = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: S, target: S) -> Transition | None:
    return _BY_MOVE.get((source, target))


def transitions_from(source: S) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
