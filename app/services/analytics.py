"""Incident analytics: volume, MTTA and MTTR as median and p90 per severity, organization, area and commander.

MTTA: declared to acknowledged. MTTR: declared to resolved; a reopen clears the resolution, so
MTTR counts the last fix and a reopened incident that is not resolved again is not counted.
Every number comes from SQL aggregates over the incidents the viewer may see.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, func, literal, select

from app.extensions import db
from app.models import Incident, Organization, ProductArea, Severity, User
from app.models.base import utcnow
from app.models.sql import seconds_between, week_start
from app.services import reports
from app.services.analytics_filters import Scope
from app.services.core.permissions import Permission, require, visible_filter
from app.services.report_stats import EVERYTHING, Group, grouped
from app.services.report_tables import Column, Table, WeeklyChart

LONGEST = 10


@dataclass
class IncidentReport:
    scope: Scope
    total: int
    tables: dict[str, Table]
    weekly: WeeklyChart


SPREAD_COLUMNS = [Column("declared", "Declared", "count"), Column("acknowledged", "Acknowledged", "count"),
                  Column("mtta_median", "MTTA median", "duration"), Column("mtta_p90", "MTTA p90", "duration"),
                  Column("resolved", "Resolved", "count"), Column("mttr_median", "MTTR median", "duration"),
                  Column("mttr_p90", "MTTR p90", "duration")]


def incident_filter(actor: User, scope: Scope):
    """The incidents of *scope* that *actor* may see, as WHERE clauses."""
    where = [visible_filter(actor, Incident), Incident.created_at >= scope.start, Incident.created_at < scope.end]
    if scope.org_id:
        where.append(Incident.org_id == scope.org_id)
    if scope.product_area_id:
        where.append(Incident.product_area_id == scope.product_area_id)
    return where


def _spread_rows(found, names):
    """Table rows from the {key: Group} of one grouping, named and ordered by *names*."""
    rows = []
    for key, name in names({k: g.count for k, g in found.items()}):
        group = found.get(key, Group())
        a, r = group["mtta"], group["mttr"]
        rows.append((name, group.count, a.count, a.median, a.p90, r.count, r.median, r.p90))
    return rows


def _named(model, label_column, blank):
    """A names(declared) function: the groups that had incidents, named from *model*, busiest first."""
    def names(declared):
        ids = [k for k in declared if k is not None]
        found = dict(db.session.execute(select(model.id, label_column).where(model.id.in_(ids))).all()) if ids else {}
        keyed = [(k, found.get(k, blank) if k is not None else blank) for k in declared]
        return sorted(keyed, key=lambda kv: (-declared[kv[0]], str(kv[1])))
    return names


DURATIONS = {"mtta": Incident.acknowledged_at, "mttr": Incident.resolved_at}


def incident_report(actor: User, scope: Scope, now: datetime | None = None) -> IncidentReport:
    """Everything the incident analytics page shows for *scope*, limited to what *actor* may see."""
    require(actor, Permission.VIEW_ANALYTICS)
    now = now or utcnow()
    where = incident_filter(actor, scope)
    groups = {
        "by_severity": ("Severity", Incident.severity, lambda found: [(s, s.label) for s in Severity]),
        "by_organization": ("Organization", Incident.org_id, _named(Organization, Organization.name, "—")),
        "by_product_area": ("Product area", Incident.product_area_id,
                            _named(ProductArea, ProductArea.name, "No product area")),
        "by_commander": ("Commander", Incident.commander_id, _named(User, User.display_name, "No commander")),
    }
    # One pass over the period's incidents for every grouping and the totals.
    found = grouped(where, Incident.created_at, DURATIONS, {key: column for key, (_, column, _) in groups.items()})
    previous = grouped(incident_filter(actor, scope.previous()), Incident.created_at, DURATIONS, {})
    tables = {"summary": _summary(found[EVERYTHING].get(None, Group()), previous[EVERYTHING].get(None, Group()))}
    for key, (label, _, names) in groups.items():
        tables[key] = Table(key, f"Per {label.lower()}", [Column("group", label)] + SPREAD_COLUMNS,
                            _spread_rows(found[key], names))
    weekly = _weekly(where, scope)
    tables["weekly"] = Table("weekly", "Incidents declared per week",
                             [Column("week", "Week of", "date")] + [Column(k, label, "count") for k, label in weekly.series]
                             + [Column("total", "Total", "count")],
                             [(w, *(weekly.values.get((w, k), 0) for k, _ in weekly.series), weekly.total(w))
                              for w in weekly.weeks])
    tables["longest"] = _longest(where, now)
    tables["sla"] = sla_table(actor, scope, Incident, Incident.severity, "Severity")
    return IncidentReport(scope, tables["summary"].rows[0][1], tables, weekly)


def _totals(group):
    return [group.count, group["mttr"].count, group["mtta"].median, group["mtta"].p90, group["mttr"].median,
            group["mttr"].p90]


def _summary(this_period, previous_period):
    """This period against the one before it, metric by metric."""
    labels = [("Declared", "count"), ("Resolved", "count"), ("MTTA median", "duration"), ("MTTA p90", "duration"),
              ("MTTR median", "duration"), ("MTTR p90", "duration")]
    rows = [(label, this, previous, change(this, previous), kind)
            for (label, kind), this, previous in zip(labels, _totals(this_period), _totals(previous_period))]
    return Table("summary", "This period against the previous one",
                 [Column("metric", "Metric"), Column("this", "This period", "mixed"),
                  Column("previous", "Previous period", "mixed"), Column("change", "Change", "percent")], rows,
                 note="Durations are medians and 90th percentiles; the change is against the previous period.")


def change(this, previous):
    """The relative change from *previous* to *this*, or None when there is nothing to compare."""
    if this is None or not previous:
        return None
    return (this - previous) / previous


def _weekly(where, scope):
    week = week_start(Incident.created_at).label("week")
    rows = db.session.execute(select(week, Incident.severity, func.count()).where(*where)
                              .group_by(week, Incident.severity)).all()
    values = {(date.fromisoformat(str(monday)[:10]), severity.value): n for monday, severity, n in rows}
    return WeeklyChart(weeks_between(scope.start, scope.end), [(s.value, s.label) for s in Severity], values)


def weeks_between(start: datetime, end: datetime) -> list[date]:
    """The Mondays of every week that overlaps [start, end)."""
    monday = start.date() - timedelta(days=start.weekday())
    weeks = []
    while datetime.combine(monday, datetime.min.time()) < end and len(weeks) < 300:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def _longest(where, now):
    ended = func.coalesce(Incident.resolved_at, Incident.closed_at, literal(now, DateTime()))
    lasted = seconds_between(Incident.created_at, ended).label("lasted")
    rows = db.session.execute(
        select(Incident.number, Incident.title, Incident.severity, Incident.status, Organization.name, lasted)
        .join(Organization, Organization.id == Incident.org_id).where(*where)
        .order_by(lasted.desc(), Incident.number).limit(LONGEST)).all()
    return Table("longest", f"Longest incidents of the period (top {LONGEST})",
                 [Column("incident", "Incident", "incident"), Column("title", "Title"),
                  Column("severity", "Severity"), Column("status", "Status"), Column("organization", "Organization"),
                  Column("duration", "Open for", "duration")],
                 [(number, title, severity.label, status.label + (" (still open)" if status.is_open else ""),
                   org, seconds) for number, title, severity, status, org, seconds in rows],
                 note="Until resolved (or closed without a resolution); open incidents count until now.")


def sla_table(actor, scope: Scope, model, level_column, label) -> Table:
    """Records resolved in the period under an SLA: how many met every target, how many missed one."""
    where = [visible_filter(actor, model)]
    if scope.org_id:
        where.append(model.org_id == scope.org_id)
    if scope.product_area_id and hasattr(model, "product_area_id"):
        where.append(model.product_area_id == scope.product_area_id)
    rows = reports.sla_compliance(model, level_column, scope.start, scope.end, *where)
    met, breached, percent = reports.compliance_totals(rows)
    shown = [(org, level.label, m, b, f"{100 * m / (m + b):.0f}%") for org, level, m, b in rows]
    if rows:
        shown.append(("All", "", met, breached, f"{percent:.0f}%"))
    return Table("sla", "SLA compliance", [Column("org", "Organization"), Column("level", label),
                                           Column("met", "Met", "count"), Column("breached", "Breached", "count"),
                                           Column("share", "Met (share)")], shown,
                 note="Resolved in the period under an SLA policy; breached means at least one target was missed.")
