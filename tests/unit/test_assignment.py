"""Who may be given an incident or a ticket: the form's list and the service's check are one rule."""
import pytest

from app.models import AuditEvent, Role
from app.services import incidents, tickets
from app.services.assignment import NOBODY, assignable_people
from app.services.core.errors import Forbidden, ValidationError

ASSIGN = {"incident": incidents.assign_incident,
          "ticket": lambda actor, number, who: tickets.reassign_ticket(actor, number, who)}


@pytest.fixture(params=["incident", "ticket"])
def kind(request):
    return request.param


def make(factory, kind, **fields):
    return factory.incident(**fields) if kind == "incident" else factory.ticket(**fields)


def events(db):
    return db.session.query(AuditEvent).count()


def test_a_manager_is_offered_nobody_and_every_active_responder_of_the_org(factory, kind):
    customer = factory.org("Globex")
    manager = factory.user(Role.MANAGER)
    theirs = factory.user(Role.RESPONDER, org=customer)
    ours = factory.user(Role.RESPONDER)
    factory.user(Role.RESPONDER, org=factory.org("Initech"))
    factory.user(Role.REPORTER, org=customer)
    factory.user(Role.RESPONDER, org=customer, active=False)
    record = make(factory, kind, org=customer)
    offered = assignable_people(manager, record)
    assert offered[0] is NOBODY and set(offered[1:]) == {manager, theirs, ours}


def test_a_responder_is_offered_only_themselves_and_nobody_once_it_is_theirs(factory, kind):
    responder, colleague = factory.user(Role.RESPONDER), factory.user(Role.RESPONDER)
    assert assignable_people(responder, make(factory, kind)) == [responder]
    assert assignable_people(responder, make(factory, kind, assignee_id=colleague.id)) == [responder]
    assert assignable_people(responder, make(factory, kind, assignee_id=responder.id)) == [NOBODY, responder]
    reporter = factory.user(Role.REPORTER)
    assert assignable_people(reporter, make(factory, kind, reporter=reporter)) == []


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.MANAGER])
def test_everyone_offered_is_accepted_and_no_one_else(factory, kind, role):
    actor, colleague = factory.user(role), factory.user(Role.RESPONDER)
    candidates = [NOBODY, actor, colleague, factory.user(Role.MANAGER), factory.user(Role.REPORTER),
                  factory.user(Role.RESPONDER, org=factory.org("Initech"))]
    for holder in (NOBODY, actor, colleague):
        for person in candidates:
            if person == holder:
                continue
            record = make(factory, kind, assignee_id=holder.id if holder else None)
            offered = assignable_people(actor, record)
            try:
                ASSIGN[kind](actor, record.number, person.id if person else "")
            except ValidationError:
                assert person not in offered, (holder, person)
            else:
                assert person in offered and record.assignee == person, (holder, person)


def test_assigning_the_same_person_says_so_and_changes_nothing(db, factory, kind):
    manager, responder = factory.user(Role.MANAGER), factory.user(Role.RESPONDER)
    record = make(factory, kind, assignee_id=responder.id)
    before = events(db)
    with pytest.raises(ValidationError, match=f"{record.reference} is already assigned to {responder.display_name}; "
                                              "nothing was changed."):
        ASSIGN[kind](manager, record.number, responder.id)
    with pytest.raises(ValidationError, match="is already unassigned"):
        ASSIGN[kind](manager, make(factory, kind).number, "")
    assert events(db) == before


def test_reporters_may_not_assign_at_all(factory, kind):
    reporter = factory.user(Role.REPORTER)
    with pytest.raises(Forbidden):
        ASSIGN[kind](reporter, make(factory, kind, reporter=reporter).number, "")
