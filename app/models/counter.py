"""Counters hand out human numbers (INC-42) that are never reused."""
from sqlalchemy import Sequence, String, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Counter(db.Model):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


# On PostgreSQL incidents and tickets are numbered by sequences, which no declaration waits on.
# A sequence is not rolled back: a transaction that fails after taking a number leaves a gap.
SEQUENCES = {name: Sequence(f"{name}_number_seq", metadata=db.metadata) for name in ("incident", "ticket")}


def _sequence(name: str):
    return SEQUENCES.get(name) if db.session.get_bind().dialect.name == "postgresql" else None


def next_number(name: str) -> int:
    """Take the next number of *name* inside the caller's transaction.

    Incidents and tickets on PostgreSQL come from a sequence and never wait. Otherwise the
    UPDATE locks the counter row until commit, so concurrent callers queue instead of handing
    out the same number.
    """
    session = db.session
    sequence = _sequence(name)
    if sequence is not None:
        if session.info.get("rehearsal"):
            # A rehearsal (the boot-time warm-up) is rolled back, and nextval would not be: peek instead.
            return session.execute(text(f"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                                        f"FROM {sequence.name}")).scalar_one()
        return session.execute(select(sequence.next_value())).scalar_one()
    taken = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if taken is None:
        if session.get_bind().dialect.name == "postgresql":
            # Two first-ever callers race to create the row: the loser waits, inserts nothing, bumps.
            created = session.execute(pg_insert(Counter).values(name=name, value=1)
                                      .on_conflict_do_nothing().returning(Counter.value)).scalar()
            return 1 if created is not None else next_number(name)
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return taken


def numbered_up_to(name: str, value: int) -> None:
    """Record that numbers of *name* up to *value* are taken (after inserting rows numbered by hand)."""
    db.session.merge(Counter(name=name, value=value))
    sequence = _sequence(name)
    if sequence is not None:
        db.session.execute(select(db.func.setval(sequence.name, value + 1, False)))
