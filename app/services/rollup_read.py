"""Reading a period from the analytics rollup: whole weeks, then whole days, and live what the rollup lacks.

A period [start, end) is split into the Monday-to-Sunday weeks it covers whole, the other whole
days, and the rest: the part days at its edges and any day still queued for a refresh. The first
two are read from the stored cells, the rest is computed from the records, the same way
(services/rollup_cells.py); counts are therefore exact, and durations come from histograms.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, null, or_, select

from app.extensions import db
from app.models.analytics_rollup import DAY, WEEK, DirtyDay, RollupCell
from app.services import histograms
from app.services.rollup_cells import ALL, Cell, compute, midnight, monday_of

EACH = "each"   # a filter value meaning "one row per organization (product area)"
POSITIONS = {"week": 0, "org": 1, "area": 2, "key": 3}


@dataclass(frozen=True)
class Want:
    """Cells a page needs: their basis, groupings, and organization and area filters (None, an id, or EACH)."""

    basis: str
    groupings: tuple
    org: object = None
    area: object = None
    counts_only: bool = False   # summed in SQL, for the whole period (no weeks, no histograms)
    longest: bool = False       # the longest incidents of its cells of everything are read too
    weekly: bool = False        # its cells are kept per week (a chart's), not only summed over the period

    def matches(self, basis, org, area, grouping):
        return (basis == self.basis and grouping in self.groupings and _fits(org, self.org)
                and _fits(area, self.area))


def _fits(value, wanted):
    return value is not None if wanted == EACH else value == wanted


def _condition(column, wanted):
    return column.is_not(None) if wanted == EACH else column.is_(None) if wanted is None else column == wanted


@dataclass
class Plan:
    weeks: list
    days: list
    live: list      # [(since, until)], merged where they touch


def plan(record: str, start: datetime, end: datetime) -> Plan:
    """Which whole weeks and days of [start, end) the stored cells answer, and which spans must be computed."""
    first = start.date() if start == midnight(start.date()) else start.date() + timedelta(days=1)
    last = end.date()
    if first >= last:
        return Plan([], [], [(start, end)] if start < end else [])
    queued = set(db.session.scalars(select(DirtyDay.day).distinct().where(
        DirtyDay.record == record, DirtyDay.day >= first, DirtyDay.day < last)))
    weeks, days, live = [], [], [(start, midnight(first))]
    day = first
    while day < last:
        week = [day + timedelta(days=i) for i in range(WEEK)]
        if day.weekday() == 0 and week[-1] < last and not queued.intersection(week):
            weeks.append(day)
            day += timedelta(days=WEEK)
            continue
        if day in queued:
            live.append((midnight(day), midnight(day + timedelta(days=1))))
        else:
            days.append(day)
        day += timedelta(days=1)
    live.append((midnight(last), end))
    merged = []
    for since, until in live:
        if since >= until:
            continue
        if merged and merged[-1][1] == since:
            merged[-1] = (merged[-1][0], until)
        else:
            merged.append((since, until))
    return Plan(weeks, days, merged)


class Found:
    """The cells of a period: {(basis, grouping): {(week, org, area, key): Cell}}.

    Cells of a weekly Want keep their week (for a chart); the others are summed over the period
    as they arrive (week None), so what the tables read is already added up.
    """

    def __init__(self, wants=()):
        self.cells = {}
        self.weekly = [w for w in wants if w.weekly]

    def add(self, week: date | None, key: tuple, cell: Cell):
        """Count *cell* (a fresh one, kept as it is if it is the first) in the week *week*."""
        basis, org, area, grouping, group_key = key
        if week is not None and not any(w.matches(basis, org, area, grouping) for w in self.weekly):
            week = None
        cells = self.cells.setdefault((basis, grouping), {})
        found = cells.get((week, org, area, group_key))
        if found is None:
            cells[(week, org, area, group_key)] = cell
        else:
            found.add(cell)

    def sum(self, basis, grouping, org=None, area=None, by=("key",)) -> dict:
        """{value(s) of *by*: Cell} over the cells of *basis* and *grouping* under the filters."""
        result = {}
        for key, cell in self.cells.get((basis, grouping), {}).items():
            if _fits(key[1], org) and _fits(key[2], area):
                value = tuple(key[POSITIONS[name]] for name in by)
                result.setdefault(value[0] if len(by) == 1 else value, Cell()).add(cell)
        return result

    def one(self, basis, grouping="all", org=None, area=None) -> Cell:
        return self.sum(basis, grouping, org, area, by=("key",)).get("", Cell())


def _wanted(wants):
    return or_(*[and_(RollupCell.basis == w.basis, RollupCell.grouping.in_(w.groupings),
                      _condition(RollupCell.org_id, w.org), _condition(RollupCell.product_area_id, w.area))
                 for w in wants])


def _longest_of(wants):
    """The stored longest incidents, for the cells of everything that a Want with longest=True asks for only."""
    needed = [and_(RollupCell.basis == w.basis, RollupCell.grouping == ALL, _condition(RollupCell.org_id, w.org),
                   _condition(RollupCell.product_area_id, w.area)) for w in wants if w.longest and ALL in w.groupings]
    return case((or_(*needed), RollupCell.longest)) if needed else null()


def read(record: str, start: datetime, end: datetime, wants: list[Want], org_id=None, product_area_id=None) -> Found:
    """The cells *wants* asks for over [start, end); *org_id* / *product_area_id* limit the live part."""
    found = Found(wants)
    if not wants:
        return found
    periods = plan(record, start, end)
    summed_cells = {(w.basis, g) for w in wants if w.counts_only for g in w.groupings}
    slots = []
    if periods.weeks:
        slots.append((RollupCell.days == WEEK) & RollupCell.starts_on.in_(periods.weeks))
    if periods.days:
        slots.append((RollupCell.days == DAY) & RollupCell.starts_on.in_(periods.days))
    if slots:
        cell_columns = [RollupCell.basis, RollupCell.org_id, RollupCell.product_area_id, RollupCell.grouping,
                        RollupCell.group_key]
        summed = [w for w in wants if w.counts_only]
        if summed:
            query = select(*cell_columns, func.sum(RollupCell.total), func.sum(RollupCell.met),
                           func.sum(RollupCell.breached)) \
                .where(RollupCell.record == record, or_(*slots), _wanted(summed)).group_by(*cell_columns)
            for basis, org, area, grouping, key, total, met, breached in db.session.connection().execute(query):
                found.add(None, (basis, org, area, grouping, key), Cell(int(total), int(met), int(breached)))
        listed = [w for w in wants if not w.counts_only]
        if listed:
            query = select(RollupCell.starts_on, *cell_columns, RollupCell.total, RollupCell.met,
                           RollupCell.breached, RollupCell.durations, _longest_of(listed)) \
                .where(RollupCell.record == record, or_(*slots), _wanted(listed))
            for starts_on, basis, org, area, grouping, key, total, met, breached, durations, longest \
                    in db.session.connection().execute(query):
                found.add(monday_of(starts_on), (basis, org, area, grouping, key),
                          Cell(total, met, breached, histograms.from_bytes(durations), longest or []))
    for since, until in periods.live:
        for week, cells in compute(record, since, until, lambda at: monday_of(at.date()), org_id,
                                   product_area_id, wants).items():
            for key, cell in cells.items():
                found.add(None if (key[0], key[3]) in summed_cells else week, key, cell)
    return found
