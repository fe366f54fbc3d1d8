"""The incident lifecycle as data: which moves exist, who may make them, what they stamp."""
from app.models import IncidentStatus as S
from app.models import Role
from app.services.core.lifecycle import Lifecycle, Transition

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

LIFECYCLE = Lifecycle("incident", TRANSITIONS)
find_transition = LIFECYCLE.find
transitions_from = LIFECYCLE.moves_from
