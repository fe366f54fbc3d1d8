"""What the analytics rollup holds: the cells a span of records adds up to, computed from the records themselves.

One pass over the incidents (or tickets) of a time span yields, for every slot of it (a day, a
week), the cells the pages read: per filter (every organization or one; every product area, one,
or none) and per group (everything, a severity, a commander, a priority ...), how many records,
how many met or breached their SLA, and a histogram per duration (all of a cell's histograms packed
into one integer: services/histograms.py). The worker stores them
(services/rollup.py); the pages compute the same cells live for the hours the rollup lacks.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Comment, Incident, SlaState, Ticket
from app.models.sql import seconds_between
from app.services import histograms

CREATED, RESOLVED = "created", "resolved"
ALL = "all"
NO_AREA = 0     # the product area filter value of incidents without one
LONGEST = 10    # the longest incidents kept per cell of everything
# Each duration's place among its record's packed histograms.
MEASURES = {"mtta": 0, "mttr": 1, "resolution": 0, "first": 1}


def longest_first(pairs) -> list:
    """The LONGEST longest of [seconds, number] pairs, longest first, then by number."""
    return sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:LONGEST]


@dataclass
class Cell:
    """Counts and duration histograms of the records behind one table row."""

    total: int = 0
    met: int = 0
    breached: int = 0
    durations: int = 0                               # the packed histograms of MEASURES
    longest: list = field(default_factory=list)      # [[seconds, number]] of ended incidents (see longest_first)

    def add(self, other: "Cell") -> "Cell":
        self.total += other.total
        self.met += other.met
        self.breached += other.breached
        self.durations += other.durations
        if other.longest:
            # Kept unordered and whole here (a year is ~500 pairs); longest_first picks the top once, when read.
            self.longest = self.longest + [list(pair) for pair in other.longest]
        return self

    def histogram(self, measure) -> dict:
        """{bucket: count} of *measure*."""
        return histograms.unpack(self.durations, MEASURES[measure])

    def count(self, measure) -> int:
        return sum(self.histogram(measure).values())

    def spread(self, measure) -> tuple:
        """(count, median, p90) of *measure*, from its histogram."""
        return histograms.percentiles(self.histogram(measure))


def _track(cell, durations, sla_state, lasted):
    cell.total += 1
    if sla_state is not None:
        if sla_state == SlaState.MET:
            cell.met += 1
        elif sla_state == SlaState.BREACHED:
            cell.breached += 1
    cell.durations += durations
    if lasted is not None:
        cell.longest.append(lasted)
        if len(cell.longest) > 4 * LONGEST:
            cell.longest = longest_first(cell.longest)


def _rows(query, wanted):
    """The rows of *query* (Core rows: no ORM objects), or none when no cell needs them."""
    return db.session.connection().execute(query) if wanted else ()


def _incidents(since, until, where, bases):
    ended = func.coalesce(Incident.resolved_at, Incident.closed_at)
    created = select(Incident.created_at, Incident.org_id, Incident.product_area_id, Incident.severity,
                     Incident.commander_id, seconds_between(Incident.created_at, Incident.acknowledged_at),
                     seconds_between(Incident.created_at, Incident.resolved_at), Incident.number,
                     seconds_between(Incident.created_at, ended)) \
        .where(Incident.created_at >= since, Incident.created_at < until, *where)
    for at, org, area, severity, commander, mtta, mttr, number, lasted in _rows(created, CREATED in bases):
        # The longest incidents that have ended; the ones still open are read live, as they grow.
        yield CREATED, at, org, area if area is not None else NO_AREA, {
            ALL: "", "severity": severity.value, "commander": str(commander or "")}, \
            [("mtta", mtta), ("mttr", mttr)], None, [round(float(lasted)), number] if lasted is not None else None
    resolved = select(Incident.resolved_at, Incident.org_id, Incident.product_area_id, Incident.severity,
                      Incident.sla_state) \
        .where(Incident.resolved_at >= since, Incident.resolved_at < until, *where)
    for at, org, area, severity, sla_state in _rows(resolved, RESOLVED in bases):
        yield RESOLVED, at, org, area if area is not None else NO_AREA, {"level": severity.value}, (), sla_state, None


def _tickets(since, until, where, bases):
    first = (select(func.min(Comment.created_at)).where(Comment.ticket_id == Ticket.id,
                                                        Comment.author_id != Ticket.reporter_id)
             .correlate(Ticket).scalar_subquery())
    created = select(Ticket.created_at, Ticket.org_id, Ticket.priority, Ticket.campaign_id, Ticket.issue_type_id,
                     seconds_between(Ticket.created_at, Ticket.resolved_at), seconds_between(Ticket.created_at, first)) \
        .where(Ticket.created_at >= since, Ticket.created_at < until, *where)
    for at, org, priority, campaign, kind, resolution, answered in _rows(created, CREATED in bases):
        yield CREATED, at, org, None, {ALL: "", "priority": priority.value, "campaign": str(campaign or ""),
                                       "issue_type": str(kind or "")}, \
            [("resolution", resolution), ("first", answered)], None, None
    resolved = select(Ticket.resolved_at, Ticket.org_id, Ticket.priority, Ticket.sla_state) \
        .where(Ticket.resolved_at >= since, Ticket.resolved_at < until, *where)
    for at, org, priority, sla_state in _rows(resolved, RESOLVED in bases):
        yield RESOLVED, at, org, None, {ALL: "", "level": priority.value}, (), sla_state, None


SOURCES = {"incident": (Incident, _incidents), "ticket": (Ticket, _tickets)}

# The cells each record adds to: (per organization?, per product area?, grouping) for each basis. SLA
# compliance is read per organization only, and tickets have no product area.
CELLS = {
    "incident": {CREATED: [(o, a, g) for o in (False, True) for a in (False, True) for g in (ALL, "severity", "commander")],
                 RESOLVED: [(True, a, "level") for a in (False, True)]},
    "ticket": {CREATED: [(o, False, g) for o in (False, True) for g in (ALL, "priority", "campaign", "issue_type")],
               RESOLVED: [(False, False, ALL), (True, False, ALL), (True, False, "level")]},
}


def compute(record, since: datetime, until: datetime, slot_of, org_id=None, product_area_id=None,
            wants=None) -> dict:
    """{slot: {(basis, org, area, grouping, key): Cell}} of the *record*s in [since, until).

    slot_of(timestamp) names the slot a record falls in (its day, its week ...). With *org_id* or
    *product_area_id*, only that organization's (area's) records are read; with *wants* (a list of
    rollup_read.Want made with the same filters), only the cells they ask for are made.
    """
    model, rows = SOURCES[record]
    where = []
    if org_id is not None:
        where.append(model.org_id == org_id)
    if product_area_id is not None and record == "incident":
        where.append(func.coalesce(model.product_area_id, NO_AREA) == product_area_id)
    cells_of = CELLS[record]
    if wants is not None:
        cells_of = {basis: [c for c in made if any(
            w.basis == basis and c == (w.org is not None, w.area is not None, c[2]) and c[2] in w.groupings
            for w in wants)] for basis, made in cells_of.items()}
    slots = {}
    for basis, at, org, area, groups, measures, sla_state, lasted in rows(since, until, where,
                                                                          {b for b, made in cells_of.items() if made}):
        slot = slot_of(at)
        cells = slots.get(slot)
        if cells is None:
            cells = slots[slot] = {}
        durations = sum(histograms.one(float(seconds), MEASURES[measure]) for measure, seconds in measures
                        if seconds is not None)
        for per_org, per_area, grouping in cells_of[basis]:
            key = (basis, org if per_org else None, area if per_area else None, grouping, groups[grouping])
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Cell()
            _track(cell, durations, sla_state, lasted if grouping == ALL else None)
    return slots


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
