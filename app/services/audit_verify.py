"""Checking the audit trail: the legacy chain, every record chain, and the checkpoints over them.

Events written before per-record chains (id <= the checkpoints' legacy_last_id) form
one global chain, checked as it always was. Every later event sits on its record's
chain at place seq: 1, 2, 3 ... each linked to the one before by hash, in id order,
ending at the record's head. Checkpoints are chained to each other, each sealing the
heads that moved since the one before, and every sealed head must still be on its chain.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, tuple_

from app.extensions import db
from app.models import AuditCheckpoint, AuditCheckpointHead, AuditEvent, AuditHead
from app.models.audit import GENESIS_HASH, HASHED_FIELDS, chain_hash
from app.models.audit_seal import checkpoint_hash, heads_digest

COLUMNS = [AuditEvent.id, AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash] + [
    getattr(AuditEvent, name) for name in HASHED_FIELDS]
REMOVED = "an event was removed, inserted or reordered"


@dataclass
class Break:
    """The first place the trail does not hold."""

    event_id: int | None
    subject: str
    problem: str

    def __str__(self):
        if self.event_id:
            return f"event {self.event_id} ({self.subject}): {self.problem}"
        return f"{self.subject or 'the chain head'}: {self.problem}"


@dataclass
class Report:
    """What verify found: events checked, and the newest checkpoint (None before the first seal)."""

    checked: int = 0
    legacy: int = 0
    records: int = 0
    checkpoint: AuditCheckpoint | None = None
    unsealed: int = 0


def _about(row):
    return f"{row.subject_type} {row.subject_id}, {row.action}"


def check_checkpoints():
    """Replay the checkpoints; return (newest, {subject: (seq, hash) last sealed}, Break or None)."""
    key = current_app.config.get("AUDIT_SEAL_KEY") or None
    sealed, prev, newest, keyed_seen = {}, GENESIS_HASH, None, False
    for checkpoint in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)):
        where = f"checkpoint {checkpoint.id}"
        heads = db.session.execute(
            select(AuditCheckpointHead.subject_type, AuditCheckpointHead.subject_id, AuditCheckpointHead.seq,
                   AuditCheckpointHead.hash).where(AuditCheckpointHead.checkpoint_id == checkpoint.id)).all()
        if newest is not None and checkpoint.id != newest.id + 1:
            return newest, sealed, Break(None, where, "a checkpoint before it was removed")
        if checkpoint.prev_hash != prev:
            return newest, sealed, Break(None, where, "its prev_hash does not match the checkpoint before it")
        if checkpoint.keyed and key is None:
            return newest, sealed, Break(None, where, "it is sealed with AUDIT_SEAL_KEY, which is not set here")
        if keyed_seen and not checkpoint.keyed:
            return newest, sealed, Break(None, where, "it is not keyed but a checkpoint before it was "
                                                      "(re-sealed without the key)")
        if heads_digest(tuple(row) for row in heads) != checkpoint.heads_digest or \
                checkpoint_hash(checkpoint.fields(), key) != checkpoint.hash:
            return newest, sealed, Break(None, where, "its content does not match its seal (edited or re-sealed)")
        added = sum(1 for row in heads if (row.subject_type, row.subject_id) not in sealed)
        grown = sum(row.seq - sealed.get((row.subject_type, row.subject_id), (0, None))[0] for row in heads)
        totals = (newest.event_count if newest else checkpoint.legacy_count) + grown, \
            (newest.subject_count if newest else 0) + added
        if totals != (checkpoint.event_count, checkpoint.subject_count):
            return newest, sealed, Break(None, where, "its totals do not add up")
        for row in heads:
            sealed[(row.subject_type, row.subject_id)] = (row.seq, row.hash)
        prev, newest, keyed_seen = checkpoint.hash, checkpoint, keyed_seen or checkpoint.keyed
    if key is not None and newest is not None and not newest.keyed:
        return newest, sealed, Break(None, f"checkpoint {newest.id}", "the newest checkpoint is not keyed although "
                                     "AUDIT_SEAL_KEY is set (run `flask audit seal`)")
    return newest, sealed, None


def check_legacy(checkpoint, batch_size, progress):
    """The global chain of the events written before per-record chains; (checked, Break or None)."""
    last_id = checkpoint.legacy_last_id if checkpoint else 0
    expected = checkpoint.legacy_count if checkpoint else 0
    after, prev_hash, checked = 0, GENESIS_HASH, 0
    while after < last_id:
        rows = db.session.execute(select(*COLUMNS).where(AuditEvent.id > after, AuditEvent.id <= last_id)
                                  .order_by(AuditEvent.id).limit(batch_size)).all()
        for row in rows:
            if row.prev_hash != prev_hash:
                return checked, Break(row.id, _about(row), f"its prev_hash does not match the event before it ({REMOVED})")
            if chain_hash(row._mapping, row.prev_hash) != row.hash:
                return checked, Break(row.id, _about(row), "its content does not match its hash (the row was edited)")
            prev_hash, checked = row.hash, checked + 1
        if progress:
            progress(checked)
        if len(rows) < batch_size:
            break
        after = rows[-1].id
    if checked != expected or (checkpoint and prev_hash != checkpoint.legacy_hash):
        return checked, Break(None, "the legacy chain", f"it holds {checked} events but {expected} were appended "
                                                        "(the latest events were removed)")
    return checked, None


def check_records(checkpoint, sealed, batch_size, progress, checked=0):
    """Every record chain after the legacy one; (checked, records, unsealed, Break or None)."""
    cut = checkpoint.legacy_last_id if checkpoint else 0
    stray = db.session.execute(select(*COLUMNS).where(AuditEvent.id > cut, AuditEvent.seq.is_(None))
                               .order_by(AuditEvent.id).limit(1)).first()
    if stray:
        return checked, 0, 0, Break(stray.id, _about(stray), "it is on no chain (its seq was removed)")
    heads = {(h.subject_type, h.subject_id): (h.seq, h.hash) for h in db.session.execute(
        select(AuditHead.subject_type, AuditHead.subject_id, AuditHead.seq, AuditHead.hash))}
    order = (AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.seq)
    position, current, last, records, unsealed = ("", 0, 0), None, None, 0, 0

    def close(subject, last_row):
        """The chain of *subject* ended at *last_row*: it must end at its head and cover its seal."""
        head = heads.pop(subject, None)
        sealed_seq, _ = sealed.pop(subject, (0, None))
        name = f"{subject[0]} {subject[1]}"
        if head is None:
            return 0, Break(last_row.id, _about(last_row), "its record has no chain head (the head was removed)")
        if head != (last_row.seq, last_row.hash) or sealed_seq > last_row.seq:
            return 0, Break(None, name, f"its chain ends at seq {last_row.seq} but its head says {head[0]} "
                                        f"(the latest events were removed)")
        return last_row.seq - sealed_seq, None

    while True:
        rows = db.session.execute(select(*COLUMNS).where(AuditEvent.id > cut, tuple_(*order) > position)
                                  .order_by(*order).limit(batch_size)).all()
        for row in rows:
            subject = (row.subject_type, row.subject_id)
            if subject != current:
                if current is not None:
                    fresh, broken = close(current, last)
                    if broken:
                        return checked, records, unsealed, broken
                    unsealed += fresh
                current, last, records = subject, None, records + 1
            expected_prev = last.hash if last else GENESIS_HASH
            if row.seq != (last.seq if last else 0) + 1 or row.prev_hash != expected_prev \
                    or (last and row.id < last.id):
                return checked, records, unsealed, Break(
                    row.id, _about(row), f"its prev_hash does not match the event before it ({REMOVED})")
            if chain_hash(row._mapping, row.prev_hash) != row.hash:
                return checked, records, unsealed, Break(
                    row.id, _about(row), "its content does not match its hash (the row was edited)")
            seal = sealed.get(subject)
            if seal and seal[0] == row.seq and seal[1] != row.hash:
                return checked, records, unsealed, Break(
                    row.id, _about(row), "it is not the event the checkpoint sealed (rewritten after sealing)")
            last, checked = row, checked + 1
        if progress:
            progress(checked)
        if len(rows) < batch_size:
            break
        position = tuple(getattr(rows[-1], column.key) for column in order)
    if current is not None:
        fresh, broken = close(current, last)
        if broken:
            return checked, records, unsealed, broken
        unsealed += fresh
    for subject in list(sealed) + list(heads):
        return checked, records, unsealed, Break(None, f"{subject[0]} {subject[1]}",
                                                 "every event of this record was removed")
    return checked, records, unsealed, None


def verify_trail(batch_size=5000, progress=None) -> tuple[Report, Break | None]:
    """Check checkpoints, the legacy chain and every record chain; the first Break found, if any."""
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        # One snapshot for every query, so events written while verify runs are not
        # mistaken for a chain that outgrew its head. (SQLite: run it while writes are quiet.)
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        return _verify(batch_size, progress)
    finally:
        db.session.rollback()


def _verify(batch_size, progress):
    checkpoint, sealed, broken = check_checkpoints()
    report = Report(checkpoint=checkpoint)
    if broken:
        return report, broken
    report.legacy, broken = check_legacy(checkpoint, batch_size, progress)
    report.checked = report.legacy
    if broken:
        return report, broken
    report.checked, report.records, report.unsealed, broken = check_records(
        checkpoint, sealed, batch_size, progress, report.legacy)
    return report, broken
