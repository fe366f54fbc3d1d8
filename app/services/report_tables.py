"""What a report is made of: tables (shown, and exported as CSV) and weekly charts."""
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"   # text, count, duration, percent, date, incident, ticket


@dataclass
class Table:
    """One table of a report: shown on the page, and exported as CSV under its key."""

    key: str
    title: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    note: str = ""


@dataclass
class WeeklyChart:
    """Counts per week per series, for a stacked bar chart and the table beside it."""

    weeks: list[date]
    series: list[tuple[str, str]]       # (key, label) in stacking order
    values: dict                         # {(week, key): count}

    def total(self, week):
        return sum(self.values.get((week, key), 0) for key, _ in self.series)

    @property
    def highest(self):
        return max((self.total(week) for week in self.weeks), default=0)

    @property
    def highest_single(self):
        return max(self.values.values(), default=0)
