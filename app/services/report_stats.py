"""Counts, medians and 90th percentiles of durations, per group, in one pass over the rows.

PostgreSQL computes them itself: one query with GROUPING SETS and percentile_cont (which skips
NULLs, so "not acknowledged yet" simply does not count). SQLite has neither, so it returns the
rows once and Python computes the same numbers with the same interpolation.
"""
from dataclasses import dataclass, field
from datetime import datetime
import math

from sqlalchemy import DateTime, func, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import array

from app.extensions import db
from app.models.sql import seconds_between

EVERYTHING = "everything"   # the group that holds every row


@dataclass(frozen=True)
class Spread:
    """How long something took across a group: how many, the median and the 90th percentile in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    longest: float | None = None


@dataclass
class Group:
    """One group's row count and a Spread per measured duration."""

    count: int = 0
    spreads: dict = field(default_factory=dict)

    def __getitem__(self, name) -> Spread:
        return self.spreads.get(name, Spread())


def percentile(sorted_values, share):
    """percentile_cont(share) of already sorted values: linear interpolation between the nearest two."""
    if not sorted_values:
        return None
    position = share * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def spread_of(values) -> Spread:
    values = sorted(values)
    return Spread(len(values), percentile(values, 0.5), percentile(values, 0.9), values[-1] if values else None)


def grouped(where, start, durations: dict, groups: dict) -> dict:
    """{group name: {key: Group}} for the rows matching *where*; the EVERYTHING group has one key, None.

    *durations* maps a name to the column that ends it (start -> end, NULL ends are left out) or to
    a datetime (an age: start -> that moment); *groups* maps a name to the column rows are grouped by.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return _grouped_sql(where, start, durations, groups)
    return _grouped_python(where, start, durations, groups)


def _grouped_sql(where, start, durations, groups):
    names, columns = list(groups), list(groups.values())
    measures = []
    for end in durations.values():
        end = literal(end, DateTime()) if isinstance(end, datetime) else end
        seconds = seconds_between(start, end)
        # Both percentiles from one sort of the group's durations.
        measures += [func.count(end), func.percentile_cont(array([0.5, 0.9])).within_group(seconds),
                     func.max(seconds)]
    sets = func.grouping_sets(*[tuple_(c) for c in columns], text("()"))
    query = (select(*[func.grouping(c) for c in columns], *columns, func.count(), *measures)
             .where(*where).group_by(sets))
    result = {name: {} for name in names + [EVERYTHING]}
    width = len(columns)
    for row in db.session.execute(query):
        flags, keys, rest = row[:width], row[width:2 * width], row[2 * width:]
        open_sets = [i for i, flag in enumerate(flags) if flag == 0]
        name, key = (names[open_sets[0]], keys[open_sets[0]]) if open_sets else (EVERYTHING, None)
        spreads = {}
        for i, duration in enumerate(durations):
            count, (median, p90), longest = rest[1 + 3 * i], rest[2 + 3 * i] or (None, None), rest[3 + 3 * i]
            spreads[duration] = Spread(count, median, p90, longest)
        result[name][key] = Group(rest[0], spreads)
    return result


def _grouped_python(where, start, durations, groups):
    names = list(groups)
    columns = [end for end in durations.values() if not isinstance(end, datetime)]
    query = select(start, *columns, *groups.values()).where(*where)
    values = {name: {} for name in names + [EVERYTHING]}
    for row in db.session.execute(query):
        began, keys, read = row[0], row[1 + len(columns):], iter(row[1:1 + len(columns)])
        ends = [end if isinstance(end, datetime) else next(read) for end in durations.values()]
        seconds = [(end - began).total_seconds() if end is not None else None for end in ends]
        for name, key in zip(names + [EVERYTHING], list(keys) + [None]):
            bucket = values[name].setdefault(key, [0] + [[] for _ in durations])
            bucket[0] += 1
            for i, s in enumerate(seconds):
                if s is not None:
                    bucket[1 + i].append(s)
    return {name: {key: Group(bucket[0], {d: spread_of(bucket[1 + i]) for i, d in enumerate(durations)})
                   for key, bucket in keyed.items()} for name, keyed in values.items()}


def counts(*where, group=None) -> dict:
    """{group value: how many rows match *where*}; without *group*, {None: count}."""
    if group is None:
        return {None: db.session.scalar(select(func.count()).where(*where))}
    return dict(db.session.execute(select(group, func.count()).where(*where).group_by(group)).all())
