"""Checkpoints seal every record chain: what a database-only attacker can and cannot hide."""
import pytest
from sqlalchemy import text

from app.models import AuditCheckpoint, Role
from app.models.audit import chain_hash
from app.models.audit_seal import checkpoint_hash, heads_digest
from app.outbox.worker import Worker
from app.services import audit, audit_seal, incidents

KEY = "a-seal-key-that-lives-outside-the-database"


@pytest.fixture
def manager(factory):
    return factory.user(Role.MANAGER)


@pytest.fixture
def trail(manager):
    """Two incidents with a few events each."""
    first = incidents.declare_incident(manager, title="Disk full", severity="sev2")
    incidents.comment_on_incident(manager, first.number, "Looking at it")
    incidents.comment_on_incident(manager, first.number, "Found it")
    second = incidents.declare_incident(manager, title="Queue stuck", severity="sev3")
    incidents.comment_on_incident(manager, second.number, "Draining")
    return first, second


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def rewrite_from(db, subject_type, subject_id, seq, new_value):
    """What an attacker with database access does: edit an event, re-hash its chain to the end, move the head."""
    rows = db.session.execute(text(
        "SELECT * FROM audit_events WHERE subject_type = :t AND subject_id = :i AND seq >= :s ORDER BY seq"),
        {"t": subject_type, "i": subject_id, "s": seq}).mappings().all()
    prev = rows[0]["prev_hash"]
    for row in rows:
        row = dict(row, prev_hash=prev, new_value=new_value if row["seq"] == seq else row["new_value"])
        if isinstance(row["created_at"], str):  # SQLite hands back text
            from datetime import datetime
            row["created_at"] = datetime.fromisoformat(row["created_at"])
        prev = chain_hash(row, prev)
        db.session.execute(text("UPDATE audit_events SET new_value = :v, prev_hash = :p, hash = :h WHERE id = :id"),
                           {"v": row["new_value"], "p": row["prev_hash"], "h": prev, "id": row["id"]})
    db.session.execute(text("UPDATE audit_heads SET hash = :h WHERE subject_type = :t AND subject_id = :i"),
                       {"h": prev, "t": subject_type, "i": subject_id})
    db.session.commit()
    return prev


def test_a_seal_covers_every_moved_chain_and_verify_names_it(app, trail):
    checkpoint = audit_seal.seal()
    assert (checkpoint.id, checkpoint.event_count, checkpoint.subject_count, checkpoint.keyed) == (1, 5, 2, False)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 5 events verified." in result.output
    assert f"Newest checkpoint: 1 " in result.output and checkpoint.hash in result.output
    assert "0 events written since are not sealed yet" in result.output


def test_a_second_seal_holds_only_the_heads_that_moved(app, db, manager, trail):
    audit_seal.seal()
    assert audit_seal.seal() is None
    incidents.comment_on_incident(manager, trail[0].number, "Fixed")
    second = audit_seal.seal()
    heads = db.session.execute(text("SELECT subject_id, seq FROM audit_checkpoint_heads WHERE checkpoint_id = 2")).all()
    assert [tuple(h) for h in heads] == [(trail[0].id, 4)]
    assert (second.event_count, second.subject_count) == (6, 2)
    assert verify(app).exit_code == 0


def test_the_worker_seals_once_per_interval(app, db, trail):
    worker = Worker(app)
    worker.tick()
    worker.tick()
    assert db.session.query(AuditCheckpoint).count() == 1


def test_the_seal_command(app, trail):
    runner = app.test_cli_runner()
    assert "Checkpoint 1 sealed 5 events" in runner.invoke(args=["audit", "seal"]).output
    assert "Nothing to seal" in runner.invoke(args=["audit", "seal"]).output


def test_an_event_moved_later_in_time_is_caught(app, db, trail):
    """Reordering: the timeline is in id order, so a chain must be too."""
    first = audit.timeline("incident", trail[0].id)[0]
    db.session.execute(text("UPDATE audit_events SET id = 1000 WHERE id = :id"), {"id": first.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and "prev_hash does not match" in result.output


def test_swapping_two_events_places_is_caught(app, db, trail):
    events = audit.timeline("incident", trail[0].id)
    db.session.execute(text("UPDATE audit_events SET seq = -seq WHERE id IN (:a, :b)"), {"a": events[1].id, "b": events[2].id})
    db.session.execute(text("UPDATE audit_events SET seq = 5 + seq WHERE id IN (:a, :b)"), {"a": events[1].id, "b": events[2].id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and f"event {events[2].id} " in result.output


def test_removing_a_records_newest_events_and_its_head_is_caught_once_sealed(app, db, trail):
    audit_seal.seal()
    last = audit.timeline("incident", trail[0].id)[-1]
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    db.session.execute(text("UPDATE audit_heads SET seq = :s, hash = :h WHERE subject_id = :i"),
                       {"s": last.seq - 1, "h": last.prev_hash, "i": trail[0].id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and "the latest events were removed" in result.output


def test_removing_every_event_of_a_sealed_record_is_caught(app, db, trail):
    audit_seal.seal()
    db.session.execute(text("DELETE FROM audit_events WHERE subject_id = :i"), {"i": trail[1].id})
    db.session.execute(text("DELETE FROM audit_heads WHERE subject_id = :i"), {"i": trail[1].id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and f"incident {trail[1].id}: every event of this record was removed" in result.output


def test_a_sealed_event_rewritten_with_its_whole_chain_is_caught(app, db, trail):
    audit_seal.seal()
    rewrite_from(db, "incident", trail[0].id, 2, "Nothing to see")
    result = verify(app)
    assert result.exit_code != 0 and "rewritten after sealing" in result.output


def test_events_since_the_last_seal_can_be_rewritten_undetected(app, db, manager, trail):
    """The limit the README states: what the worker has not sealed yet, the database alone can rewrite."""
    audit_seal.seal()
    incidents.comment_on_incident(manager, trail[0].number, "Not sealed yet")
    rewrite_from(db, "incident", trail[0].id, 4, "Rewritten")
    assert verify(app).exit_code == 0


def test_a_removed_checkpoint_is_caught(app, db, manager, trail):
    audit_seal.seal()
    incidents.comment_on_incident(manager, trail[0].number, "More")
    audit_seal.seal()
    db.session.execute(text("DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 1"))
    db.session.execute(text("DELETE FROM audit_checkpoints WHERE id = 1"))
    db.session.commit()
    result = verify(app)
    assert result.exit_code != 0 and "checkpoint 2: its prev_hash does not match" in result.output


def reseal(db, checkpoint_id, key=None):
    """An attacker re-computes a checkpoint after moving the heads it seals to their rewritten chains."""
    db.session.execute(text("UPDATE audit_checkpoint_heads SET hash = h.hash FROM audit_heads h "
                            "WHERE h.subject_type = audit_checkpoint_heads.subject_type "
                            "AND h.subject_id = audit_checkpoint_heads.subject_id"))
    checkpoint = db.session.get(AuditCheckpoint, checkpoint_id)
    heads = db.session.execute(text("SELECT subject_type, subject_id, seq, hash FROM audit_checkpoint_heads "
                                    "WHERE checkpoint_id = :c"), {"c": checkpoint_id}).all()
    fields = dict(checkpoint.fields(), heads_digest=heads_digest(tuple(h) for h in heads), keyed=key is not None)
    db.session.execute(text("UPDATE audit_checkpoints SET heads_digest = :d, keyed = :k, hash = :h WHERE id = :c"),
                       {"d": fields["heads_digest"], "k": fields["keyed"], "h": checkpoint_hash(fields, key),
                        "c": checkpoint_id})
    db.session.commit()


def test_without_a_key_a_database_attacker_can_reseal(app, db, trail):
    """Why AUDIT_SEAL_KEY exists: a bare sha256 seal can be recomputed by anyone who can write the rows."""
    audit_seal.seal()
    rewrite_from(db, "incident", trail[0].id, 2, "Nothing to see")
    reseal(db, 1)
    assert verify(app).exit_code == 0


class TestKeyedSeals:
    @pytest.fixture
    def config_overrides(self):
        return {"AUDIT_SEAL_KEY": KEY}

    def test_a_keyed_seal_verifies(self, app, trail):
        assert audit_seal.seal().keyed
        result = verify(app)
        assert result.exit_code == 0, result.output
        assert "keyed" in result.output

    def test_a_reseal_without_the_key_is_caught(self, app, db, trail):
        audit_seal.seal()
        rewrite_from(db, "incident", trail[0].id, 2, "Nothing to see")
        reseal(db, 1)
        result = verify(app)
        assert result.exit_code != 0 and "not keyed although AUDIT_SEAL_KEY is set" in result.output

    def test_a_reseal_with_a_guessed_key_is_caught(self, app, db, trail):
        audit_seal.seal()
        rewrite_from(db, "incident", trail[0].id, 2, "Nothing to see")
        reseal(db, 1, key="guess")
        result = verify(app)
        assert result.exit_code != 0 and "checkpoint 1: its content does not match its seal" in result.output

    def test_the_worker_reseals_under_the_key_once_one_is_set(self, app, db, trail):
        app.config["AUDIT_SEAL_KEY"] = None
        audit_seal.seal()
        app.config["AUDIT_SEAL_KEY"] = KEY
        assert verify(app).exit_code != 0
        Worker(app).tick()
        assert verify(app).exit_code == 0

    def test_keyed_checkpoints_need_the_key_to_verify(self, app, trail):
        audit_seal.seal()
        app.config["AUDIT_SEAL_KEY"] = None
        result = verify(app)
        assert result.exit_code != 0 and "AUDIT_SEAL_KEY, which is not set here" in result.output


def test_verify_while_writers_append_sees_one_snapshot(app, db, manager, trail):
    """Events committed while verify walks the chains are not mistaken for tampering."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent connections are exercised on PostgreSQL (--postgres)")
    import threading

    from app.extensions import db as _db
    from app.models import User

    manager_id, number, done, errors = manager.id, trail[0].number, threading.Event(), []

    def writer():
        with app.app_context():
            try:
                actor = _db.session.get(User, manager_id)
                while not done.is_set():
                    incidents.comment_on_incident(actor, number, "busy")
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                _db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = [app.test_cli_runner().invoke(args=["audit", "verify", "--batch", "1"]) for _ in range(5)]
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert all(result.exit_code == 0 for result in results), [r.output for r in results if r.exit_code]
