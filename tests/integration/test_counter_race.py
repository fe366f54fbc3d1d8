"""Numbers stay unique when they are taken at the same moment (PostgreSQL)."""
import threading

import pytest

from app.models import Role, User, next_number
from app.services import incidents, tickets

THREADS = 12


def at_once(app, db, work):
    """Run *work()* in THREADS threads released together; return what each returned, and any errors."""
    barrier, results, errors = threading.Barrier(THREADS), [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time, so there is no race to lose")


def test_concurrent_first_numbers_are_all_different(app, db, postgresql):
    numbers, errors = at_once(app, db, lambda: next_number("race"))
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))


def test_declarations_at_once_get_different_numbers(app, db, factory, postgresql):
    manager = factory.user(Role.MANAGER).id

    def declare():
        actor = db.session.get(User, manager)
        incident = incidents.declare_incident(actor, title="At once", severity="sev3")
        ticket = tickets.create_ticket(actor, title="At once", priority="low")
        return incident.number, ticket.number

    taken, errors = at_once(app, db, declare)
    assert errors == []
    assert sorted(incident for incident, _ in taken) == list(range(1, THREADS + 1))
    assert sorted(ticket for _, ticket in taken) == list(range(1, THREADS + 1))


def test_a_failed_declaration_leaves_its_number_unused(app, db, factory, postgresql):
    """A sequence is not rolled back: the number a failed transaction took is a gap, never handed out twice."""
    actor = factory.user(Role.MANAGER)
    first = incidents.declare_incident(actor, title="First", severity="sev3").number
    next_number("incident")
    db.session.rollback()
    assert incidents.declare_incident(actor, title="After a failure", severity="sev3").number == first + 2
