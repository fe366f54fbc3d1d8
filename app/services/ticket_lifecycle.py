"""The ticket lifecycle as data: which moves exist, who may make them, what they stamp.

Waiting on customer is entered by staff and left by them, or by itself when the reporter
comments (services/tickets.py): the SLA clock pauses while a ticket waits.
"""
from app.models import Role
from app.models import TicketStatus as S
from app.services.core.lifecycle import Lifecycle, Transition

TRANSITIONS = [
    Transition(S.OPEN, S.IN_PROGRESS, "Start work", Role.RESPONDER),
    Transition(S.OPEN, S.WAITING, "Wait for customer", Role.RESPONDER, None, "outline-info"),
    Transition(S.IN_PROGRESS, S.WAITING, "Wait for customer", Role.RESPONDER, None, "outline-info"),
    Transition(S.WAITING, S.IN_PROGRESS, "Resume work", Role.RESPONDER),
    Transition(S.IN_PROGRESS, S.RESOLVED, "Resolve", Role.RESPONDER, "resolved_at", "success", needs_notes=True),
    Transition(S.WAITING, S.RESOLVED, "Resolve", Role.RESPONDER, "resolved_at", "success", needs_notes=True),
    Transition(S.RESOLVED, S.CLOSED, "Close", Role.MANAGER, "closed_at", "dark"),
    Transition(S.RESOLVED, S.OPEN, "Reopen", Role.RESPONDER, None, "outline-danger",
               ("resolved_at", "closed_at", "resolution_notes")),
    Transition(S.CLOSED, S.OPEN, "Reopen", Role.RESPONDER, None, "outline-danger",
               ("resolved_at", "closed_at", "resolution_notes")),
]

LIFECYCLE = Lifecycle("ticket", TRANSITIONS, noun=" a ticket")
find_transition = LIFECYCLE.find
transitions_from = LIFECYCLE.moves_from
