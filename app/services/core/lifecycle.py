"""What a lifecycle is: a table of moves between statuses, each with a label and a minimum role."""
from dataclasses import dataclass
from enum import Enum

from app.models import Role, User
from app.services.core.permissions import Permission, can, can_see


@dataclass(frozen=True)
class Transition:
    source: Enum
    target: Enum
    label: str
    minimum_role: Role
    milestone: str | None = None  # the record's timestamp this move sets, if any
    style: str = "primary"
    clears: tuple[str, ...] = ()  # what a step back undoes (milestones, notes)
    needs_notes: bool = False     # the move asks for notes (resolving a ticket)


class Lifecycle:
    """One table of transitions, and the questions every front asks of it."""

    def __init__(self, transitions):
        self.transitions = list(transitions)
        self._by_move = {(t.source, t.target): t for t in self.transitions}

    def find(self, source, target) -> Transition | None:
        return self._by_move.get((source, target))

    def moves_from(self, source) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def allowed(self, actor: User, record) -> list[Transition]:
        """The moves *actor* may make on *record* right now."""
        if not can(actor, Permission.WORK) or not can_see(actor, record):
            return []
        return [t for t in self.moves_from(record.status) if actor.role.at_least(t.minimum_role)]
