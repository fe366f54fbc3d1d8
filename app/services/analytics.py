"""Incident analytics: volume, MTTA and MTTR per severity, with SQL aggregates."""
from dataclasses import dataclass
from datetime import date, timedelta

from app.models import Incident, Severity, User
from app.models.base import utcnow
from app.services import reports
from app.services.core.permissions import Permission, require, visible_filter

PERIODS = {"30": 30, "90": 90, "365": 365}


@dataclass
class SeverityRow:
    severity: Severity
    declared: int
    resolved: int
    mtta_seconds: float | None
    mttr_seconds: float | None


@dataclass
class Report:
    days: int
    rows: list[SeverityRow]
    weeks: list[tuple[date, dict]]   # (monday, {severity: count}) oldest first

    @property
    def total(self):
        return sum(r.declared for r in self.rows)

    @property
    def busiest_week(self):
        return max((sum(c.values()) for _, c in self.weeks), default=0)


def incident_report(actor: User, days: int = 90) -> Report:
    """Incidents declared in the last *days* days that *actor* may see, summarized."""
    require(actor, Permission.VIEW_ANALYTICS)
    since = utcnow() - timedelta(days=days)
    scope = (visible_filter(actor, Incident), Incident.created_at >= since)
    by_severity = reports.by_level(Incident, Incident.severity, *scope)
    rows = [SeverityRow(s, *by_severity.get(s, (0, 0, None, None))) for s in Severity]
    counts = reports.weekly_by_level(Incident, Incident.severity, *scope)
    weeks = _weeks(since.date(), days)
    for monday, severity, count in counts:
        weeks.setdefault(date.fromisoformat(str(monday)[:10]), {})[severity] = count
    return Report(days, rows, sorted(weeks.items()))


def _weeks(start: date, days: int):
    monday = start - timedelta(days=start.weekday())
    return {monday + timedelta(weeks=n): {} for n in range(days // 7 + 2)
            if monday + timedelta(weeks=n) <= start + timedelta(days=days)}
