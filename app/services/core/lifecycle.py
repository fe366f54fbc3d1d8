"""What a lifecycle is: a table of moves between statuses, each with a label and a minimum role."""
from dataclasses import dataclass
from enum import Enum

from app.models import Role, User
from app.services.core.errors import Forbidden, InvalidTransition
from app.services.core.permissions import Permission, can, can_see, require


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

    def __init__(self, kind, transitions, *, noun=""):
        self.kind = kind      # incident | ticket: the events are "<kind>.status_changed"
        self.noun = noun      # ends the "only a manager can ..." refusal, e.g. " a ticket"
        self.transitions = list(transitions)
        self._by_move = {(t.source, t.target): t for t in self.transitions}

    def find(self, source, target) -> Transition | None:
        return self._by_move.get((source, target))

    def moves_from(self, source) -> list[Transition]:
        return [t for t in self.transitions if t.source == source]

    def check(self, actor: User, record, target) -> Transition:
        """The move from *record*'s status to *target*, if *actor* may make it; else why not."""
        move = self.find(record.status, target)
        if move is None:
            raise InvalidTransition(f"{record.reference} is {record.status.label.lower()}; "
                                    f"it cannot move to {target.label.lower()}.")
        require(actor, Permission.WORK)
        if not actor.role.at_least(move.minimum_role):
            raise Forbidden(f"Only a {move.minimum_role.value} or above can {move.label.lower()}{self.noun}.")
        return move

    def allowed(self, actor: User, record) -> list[Transition]:
        """The moves *actor* may make on *record* right now."""
        if not can(actor, Permission.WORK) or not can_see(actor, record):
            return []
        return [t for t in self.moves_from(record.status) if actor.role.at_least(t.minimum_role)]
