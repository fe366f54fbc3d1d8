"""The incident lifecycle, exhaustively: every (status, target, role)."""
import itertools

import pytest

from app.models import IncidentStatus as S
from app.models import Role
from app.services import incidents
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError

# Written out by hand (not derived from the code's table) so the test can disagree with it.
ALLOWED = {
    (S.DETECTED, S.INVESTIGATING): Role.RESPONDER,
    (S.DETECTED, S.CLOSED): Role.MANAGER,
    (S.INVESTIGATING, S.MITIGATED): Role.RESPONDER,
    (S.MITIGATED, S.INVESTIGATING): Role.RESPONDER,
    (S.MITIGATED, S.RESOLVED): Role.RESPONDER,
    (S.RESOLVED, S.INVESTIGATING): Role.RESPONDER,
    (S.RESOLVED, S.POSTMORTEM): Role.RESPONDER,
    (S.POSTMORTEM, S.CLOSED): Role.MANAGER,
}

CASES = list(itertools.product(S, S, Role))


@pytest.mark.parametrize("status,target,role", CASES, ids=[f"{s.value}-{t.value}-{r.value}" for s, t, r in CASES])
def test_transition(factory, status, target, role):
    actor = factory.user(role)
    incident = factory.incident(reporter=actor, status=status)
    minimum = ALLOWED.get((status, target))
    if minimum is None:
        with pytest.raises(InvalidTransition):
            incidents.transition_incident(actor, incident.number, target)
    elif not role.at_least(minimum):
        with pytest.raises(Forbidden):
            incidents.transition_incident(actor, incident.number, target)
    else:
        moved = incidents.transition_incident(actor, incident.number, target)
        assert moved.status == target
    factory.db.session.rollback()
    fresh = factory.db.session.get(type(incident), incident.id)
    factory.db.session.refresh(fresh)
    assert fresh.status == (target if minimum and role.at_least(minimum) else status)


@pytest.mark.parametrize("role", list(Role))
def test_allowed_transitions_match_the_table(factory, role):
    actor = factory.user(role)
    for status in S:
        incident = factory.incident(reporter=actor, status=status)
        offered = {t.target for t in incidents.allowed_transitions(actor, incident)}
        expected = {t for (s, t), minimum in ALLOWED.items() if s == status and role.at_least(minimum)}
        assert offered == expected, status


def test_milestones_are_stamped_and_a_reopen_clears_the_fix(factory):
    manager = factory.user(Role.MANAGER)
    incident = factory.incident(reporter=manager)
    for target in (S.INVESTIGATING, S.MITIGATED, S.RESOLVED):
        incidents.transition_incident(manager, incident.number, target)
    assert incident.acknowledged_at and incident.mitigated_at and incident.resolved_at
    first_resolution = incident.resolved_at
    incidents.transition_incident(manager, incident.number, S.INVESTIGATING)
    assert incident.resolved_at is None and incident.mitigated_at is None
    assert incident.acknowledged_at is not None
    for target in (S.MITIGATED, S.RESOLVED, S.POSTMORTEM, S.CLOSED):
        incidents.transition_incident(manager, incident.number, target)
    assert incident.resolved_at >= first_resolution and incident.closed_at is not None


def test_stale_expected_status_changes_nothing(factory):
    responder = factory.user(Role.RESPONDER)
    incident = factory.incident(reporter=responder, status=S.MITIGATED)
    with pytest.raises(InvalidTransition, match="already mitigated"):
        incidents.transition_incident(responder, incident.number, S.MITIGATED, expected_status="investigating")


def test_unknown_target_is_a_validation_error(factory):
    responder = factory.user(Role.RESPONDER)
    incident = factory.incident(reporter=responder)
    with pytest.raises(ValidationError, match="Status must be one of"):
        incidents.transition_incident(responder, incident.number, "exploded")


def test_another_orgs_incident_is_not_found(factory):
    customer_responder = factory.user(Role.RESPONDER, org=factory.org())
    incident = factory.incident(org=factory.org())
    with pytest.raises(NotFound):
        incidents.transition_incident(customer_responder, incident.number, S.INVESTIGATING)


def test_every_transition_is_on_the_timeline(factory):
    manager = factory.user(Role.MANAGER)
    incident = factory.incident(reporter=manager)
    path = [S.INVESTIGATING, S.MITIGATED, S.RESOLVED, S.POSTMORTEM, S.CLOSED]
    for target in path:
        incidents.transition_incident(manager, incident.number, target)
    from app.services.audit import timeline

    moves = [(e.old_value, e.new_value, e.actor_id) for e in timeline("incident", incident.id)
             if e.action == "status_changed"]
    expected_old = [S.DETECTED] + path[:-1]
    assert moves == [(o.value, n.value, manager.id) for o, n in zip(expected_old, path)]
