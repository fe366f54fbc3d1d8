"""The SLA clock: business time between two moments, and what a status history has used of a target.

Pure functions of their arguments (no database, no "now" of their own), so a recomputation
always gives the same answer. Times are naive UTC, as stored; working hours are local to the
calendar's timezone, so a working day is the same local hours on both sides of a DST change.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from app.models.sla import SlaState

SEARCH_DAYS = 3 * 366  # how far ahead a deadline is looked for before giving up (a calendar with no hours)


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo = ZoneInfo("UTC")
    hours: dict = field(default_factory=dict)          # weekday (0 = Monday) -> (opens, closes)
    holidays: frozenset = frozenset()                  # local dates with no working hours
    around_the_clock: bool = False

    def windows(self, start: datetime, end: datetime | None):
        """Working intervals (naive UTC) within [start, end), in order; end None runs on."""
        if self.around_the_clock:
            yield start, end
            return
        day = _local(start, self.zone).date() - timedelta(days=1)
        last = _local(end, self.zone).date() if end is not None else day + timedelta(days=SEARCH_DAYS)
        while day <= last:
            window = self._window(day)
            day += timedelta(days=1)
            if window is None:
                continue
            opens, closes = max(window[0], start), window[1] if end is None else min(window[1], end)
            if opens < closes:
                yield opens, closes

    def _window(self, day: date):
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        opens, closes = self.hours[day.weekday()]
        return _utc(datetime.combine(day, opens, tzinfo=self.zone)), _utc(datetime.combine(day, closes, tzinfo=self.zone))


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(zone)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def working_seconds(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Business seconds between *start* and *end*."""
    if end <= start:
        return 0.0
    return sum((b - a).total_seconds() for a, b in calendar.windows(start, end))


def moment_reached(calendar: Calendar, intervals, seconds: float) -> datetime | None:
    """When the clock running over *intervals* has counted *seconds*; None if it never does.

    *intervals* are (start, end) pairs in order; the last end may be None (the clock still runs).
    """
    left = seconds
    for start, end in intervals:
        for opens, closes in calendar.windows(start, end):
            span = (closes - opens).total_seconds() if closes is not None else None
            if span is None or span >= left:
                return opens + timedelta(seconds=left)
            left -= span
    return None


def used_seconds(calendar: Calendar, intervals, now: datetime) -> float:
    total = 0.0
    for start, end in intervals:
        total += working_seconds(calendar, start, min(end, now) if end is not None else now)
    return total


@dataclass(frozen=True)
class TargetClock:
    """One target of one record at one moment."""

    name: str                  # respond | resolve
    limit_seconds: int
    used_seconds: float
    state: SlaState
    running: bool              # counting now (neither paused nor done)
    done: bool                 # the target was met (on time or late) and stops for good
    due_at: datetime | None    # when the limit is (or was) reached; None while paused short of it
    warn_at: datetime | None   # when the warning threshold is (or was) reached
    paused: bool = False

    @property
    def remaining_seconds(self) -> float:
        return self.limit_seconds - self.used_seconds

    @property
    def next_change(self) -> datetime | None:
        """When this target's state changes by itself next (for the breach scan)."""
        if not self.running:
            return None
        if self.state == SlaState.ON_TRACK:
            return self.warn_at
        if self.state == SlaState.AT_RISK:
            return self.due_at
        return None


def measure(name, calendar: Calendar, intervals, limit_seconds: int, warn_fraction: float, now: datetime,
            done: bool) -> TargetClock:
    """How a target stands at *now*, given the intervals its clock ran (the last may still run)."""
    running = bool(intervals) and intervals[-1][1] is None and not done
    due_at = moment_reached(calendar, intervals, limit_seconds)
    warn_at = moment_reached(calendar, intervals, limit_seconds * warn_fraction)
    used = used_seconds(calendar, intervals, now)
    if due_at is not None and due_at <= now:
        state = SlaState.BREACHED
    elif done:
        state = SlaState.MET
    elif warn_at is not None and warn_at <= now:
        state = SlaState.AT_RISK
    else:
        state = SlaState.ON_TRACK
    if not running and state != SlaState.BREACHED:
        due_at = warn_at = None if not done else due_at  # a paused clock has no deadline yet
    return TargetClock(name, limit_seconds, used, state, running, done, due_at, warn_at,
                       paused=not running and not done)


def intervals_in(history, running_statuses, now: datetime):
    """The intervals a clock ran, from a status history [(at, status), ...] oldest first.

    The clock runs while the status is one of *running_statuses*; the last interval stays open
    (end None) when the record is in one of them now.
    """
    intervals, started = [], None
    for at, status in history:
        at = min(at, now)
        if status in running_statuses and started is None:
            started = at
        elif status not in running_statuses and started is not None:
            intervals.append((started, at))
            started = None
    if started is not None:
        intervals.append((started, None))
    return intervals


def overall(clocks) -> SlaState:
    """A record's state from its targets': breached if any was, else the worst running one, else met."""
    if any(c.state == SlaState.BREACHED for c in clocks):
        return SlaState.BREACHED
    live = [c.state for c in clocks if not c.done]
    if not live:
        return SlaState.MET
    return max(live, key=lambda s: s.rank)


def parse_hours(working_hours: dict) -> dict:
    """{"0": ["09:00", "17:00"], ...} as stored -> {0: (time(9), time(17)), ...}."""
    return {int(day): (time.fromisoformat(opens), time.fromisoformat(closes))
            for day, (opens, closes) in (working_hours or {}).items()}
