"""The ticket lifecycle, exhaustively: every (status, target, role)."""
import itertools

import pytest

from app.models import Role, Ticket
from app.models import TicketStatus as S
from app.services import tickets
from app.services.audit import timeline
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError

# Written out by hand (not derived from the code's table) so the test can disagree with it.
ALLOWED = {
    (S.OPEN, S.IN_PROGRESS): Role.RESPONDER,
    (S.IN_PROGRESS, S.RESOLVED): Role.RESPONDER,
    (S.OPEN, S.WAITING): Role.RESPONDER,
    (S.IN_PROGRESS, S.WAITING): Role.RESPONDER,
    (S.WAITING, S.IN_PROGRESS): Role.RESPONDER,
    (S.WAITING, S.RESOLVED): Role.RESPONDER,
    (S.RESOLVED, S.CLOSED): Role.MANAGER,
    (S.RESOLVED, S.OPEN): Role.RESPONDER,
    (S.CLOSED, S.OPEN): Role.RESPONDER,
}

CASES = list(itertools.product(S, S, Role))


@pytest.mark.parametrize("status,target,role", CASES, ids=[f"{s.value}-{t.value}-{r.value}" for s, t, r in CASES])
def test_transition(factory, status, target, role):
    actor = factory.user(role)
    ticket = factory.ticket(reporter=actor, status=status)
    minimum = ALLOWED.get((status, target))
    move = lambda: tickets.transition_ticket(actor, ticket.number, target, resolution_notes="Fixed the cache")
    if minimum is None:
        with pytest.raises(InvalidTransition):
            move()
    elif not role.at_least(minimum):
        with pytest.raises(Forbidden):
            move()
    else:
        assert move().status == target
    factory.db.session.rollback()
    fresh = factory.db.session.get(Ticket, ticket.id)
    factory.db.session.refresh(fresh)
    allowed = minimum is not None and role.at_least(minimum)
    assert fresh.status == (target if allowed else status)
    moves = [e for e in timeline("ticket", ticket.id) if e.action == "status_changed"]
    assert [(e.old_value, e.new_value, e.actor_id) for e in moves] == (
        [(status.value, target.value, actor.id)] if allowed else [])


@pytest.mark.parametrize("role", list(Role))
def test_allowed_transitions_match_the_table(factory, role):
    actor = factory.user(role)
    for status in S:
        ticket = factory.ticket(reporter=actor, status=status)
        offered = {t.target for t in tickets.allowed_transitions(actor, ticket)}
        expected = {t for (s, t), minimum in ALLOWED.items() if s == status and role.at_least(minimum)}
        assert offered == expected, status


@pytest.mark.parametrize("notes", [None, "", "   ", "x" * 10_001, 42])
def test_resolving_needs_resolution_notes(factory, notes):
    responder = factory.user(Role.RESPONDER)
    ticket = factory.ticket(status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        tickets.resolve_ticket(responder, ticket.number, notes)
    assert "resolution_notes" in error.value.errors
    factory.db.session.rollback()
    assert factory.db.session.get(Ticket, ticket.id).status == S.IN_PROGRESS


def test_resolve_close_reopen_stamps_and_clears(factory):
    manager = factory.user(Role.MANAGER)
    ticket = factory.ticket(status=S.IN_PROGRESS)
    tickets.resolve_ticket(manager, ticket.number, "  Restarted the mail relay.  ")
    assert ticket.resolution_notes == "Restarted the mail relay." and ticket.resolved_at is not None
    tickets.close_ticket(manager, ticket.number)
    assert ticket.status == S.CLOSED and ticket.closed_at is not None
    tickets.reopen_ticket(manager, ticket.number)
    assert ticket.status == S.OPEN
    assert ticket.resolved_at is None and ticket.closed_at is None and ticket.resolution_notes is None
    notes = [e.new_value for e in timeline("ticket", ticket.id) if e.action == "resolved"]
    assert notes == ["Restarted the mail relay."]  # the timeline keeps what the reopen cleared


def test_stale_expected_status_changes_nothing(factory):
    responder = factory.user(Role.RESPONDER)
    ticket = factory.ticket(status=S.IN_PROGRESS)
    with pytest.raises(InvalidTransition, match="already in progress"):
        tickets.transition_ticket(responder, ticket.number, S.IN_PROGRESS, expected_status="open")


@pytest.mark.parametrize("target", ["exploded", "", None, 3])
def test_unknown_target_is_a_validation_error(factory, target):
    responder = factory.user(Role.RESPONDER)
    ticket = factory.ticket()
    with pytest.raises(ValidationError, match="Status must be one of"):
        tickets.transition_ticket(responder, ticket.number, target)


@pytest.mark.parametrize("role", list(Role))
def test_another_orgs_ticket_is_not_found(factory, role):
    outsider = factory.user(role, org=factory.org())
    ticket = factory.ticket(org=factory.org())
    with pytest.raises(NotFound):
        tickets.transition_ticket(outsider, ticket.number, S.IN_PROGRESS)


def test_unknown_number_is_not_found(factory):
    with pytest.raises(NotFound):
        tickets.transition_ticket(factory.user(Role.ADMIN), 999_999, S.IN_PROGRESS)
