"""The audit trail is a hash chain per record: edits, removals and reordering are caught, and writers to
different records do not wait for each other."""
import threading

import pytest
from sqlalchemy import text

from app.extensions import db as _db
from app.models import AuditEvent, Role
from app.services import audit, incidents


@pytest.fixture
def trail(factory):
    """An incident with a few events on its timeline."""
    manager = factory.user(Role.MANAGER)
    incident = incidents.declare_incident(manager, title="Disk full", severity="sev2")
    incidents.transition_incident(manager, incident.number, "investigating")
    incidents.comment_on_incident(manager, incident.number, "Looking at it")
    incidents.assign_incident(manager, incident.number, manager.id)
    return incident


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_intact_chain_verifies(app, trail):
    result = verify(app, "--batch", "2")
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 4 events verified." in result.output
    assert "2 events checked" in result.output


def test_each_event_links_to_the_one_before_on_its_record(app, factory, trail):
    other = incidents.declare_incident(factory.user(Role.MANAGER), title="Queue stuck", severity="sev3")
    events = audit.timeline("incident", trail.id)
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert all(len(e.hash) == 64 for e in events)
    first = audit.timeline("incident", other.id)[0]
    assert (first.seq, first.prev_hash) == (1, "0" * 64)


def test_an_empty_trail_verifies(app):
    assert verify(app).exit_code == 0


def test_a_row_edited_behind_the_apps_back_is_named(app, db, trail):
    victim = audit.timeline("incident", trail.id)[2]
    db.session.execute(text("UPDATE audit_events SET new_value = 'Nothing to see' WHERE id = :id"),
                       {"id": victim.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"event {victim.id} (incident {trail.id}, commented)" in result.output
    assert "content does not match its hash" in result.output


def test_a_rehashed_edit_still_breaks_the_link_to_the_next_event(app, db, trail):
    victim = audit.timeline("incident", trail.id)[1]
    db.session.execute(text("UPDATE audit_events SET hash = :h WHERE id = :id"), {"h": "f" * 64, "id": victim.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and f"event {victim.id} " in result.output


def test_a_deleted_row_is_caught(app, db, trail):
    events = audit.timeline("incident", trail.id)
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"event {events[2].id} " in result.output and "prev_hash does not match" in result.output


def test_removing_the_latest_events_is_caught(app, db, trail):
    last = audit.timeline("incident", trail.id)[-1]
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and "latest events were removed" in result.output


def test_the_app_refuses_to_change_an_event(db, trail):
    from app.models.audit import AuditTrailIsAppendOnly

    event = audit.timeline("incident", trail.id)[0]
    event.new_value = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("same_record", [False, True], ids=["different records", "one record"])
def test_concurrent_writers_do_not_fork_the_chain(app, db, factory, trail, same_record):
    """Two connections append at once; only writers to the same record take turns (on its chain head)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent connections are exercised on PostgreSQL (--postgres)")
    manager = factory.user(Role.MANAGER)
    manager_id = manager.id
    other = trail.number if same_record else incidents.declare_incident(manager, title="Queue", severity="sev3").number
    start, errors = threading.Barrier(2), []

    def writer(label, number):
        with app.app_context():
            try:
                from app.models import User

                actor = _db.session.get(User, manager_id)
                start.wait()
                for i in range(15):
                    incidents.comment_on_incident(actor, number, f"{label} {i}")
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=writer, args=args) for args in (("a", trail.number), ("b", other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.query(AuditEvent).count() == (4 if same_record else 5) + 30
    result = verify(app)
    assert result.exit_code == 0, result.output
