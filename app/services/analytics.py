"""Incident analytics: volume, MTTA and MTTR as median and p90 per severity, organization, area and commander.

MTTA: declared to acknowledged. MTTR: declared to resolved; a reopen clears the resolution, so
MTTR counts the last fix and a reopened incident that is not resolved again is not counted.
Counts are exact; medians and p90 come from the rollup's duration histograms (services/histograms.py
states the error bound). The longest incidents are read from the incidents themselves.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import OPEN_STATUSES, Incident, Organization, ProductArea, Severity, User
from app.models.base import utcnow
from app.services import reports
from app.services.analytics_filters import Scope
from app.services.core.permissions import Permission, require, visible_filter
from app.services.report_stats import Group, Spread
from app.services.report_tables import Column, Table, WeeklyChart
from app.services.rollup_cells import ALL, CREATED, LONGEST, RESOLVED, Cell, longest_first
from app.services.rollup_read import EACH, Want, read



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


def viewer_org(actor: User, scope: Scope):
    """The organization the page is limited to: the one chosen, else the viewer's own unless they are provider staff."""
    if scope.org_id is not None:
        return scope.org_id
    return None if actor.is_provider_staff else actor.org_id


def group_of(cell: Cell, *measures) -> Group:
    """A rollup cell as the Group the tables are made from: its count and the spread of each duration."""
    return Group(cell.total, {m: Spread(*cell.spread(m)) for m in measures})


def ids(found: dict) -> dict:
    """{id or None: value} from cells keyed by ids as text ("" is none, 0 is "no product area")."""
    return {(int(k) or None) if k not in ("", None) else None: v for k, v in found.items()}


def incident_report(actor: User, scope: Scope, now: datetime | None = None) -> IncidentReport:
    """Everything the incident analytics page shows for *scope*, limited to what *actor* may see."""
    require(actor, Permission.VIEW_ANALYTICS)
    now = now or utcnow()
    org, area = viewer_org(actor, scope), scope.product_area_id
    each_org, each_area = org if org is not None else EACH, area if area is not None else EACH
    found = read("incident", scope.start, scope.end, [
        Want(CREATED, (ALL, "commander"), org, area, longest=True),
        Want(CREATED, ("severity",), org, area, weekly=True), Want(CREATED, (ALL,), each_org, area),
        Want(CREATED, (ALL,), org, each_area), Want(RESOLVED, ("level",), each_org, area, counts_only=True)], org, area)
    before = scope.previous()
    previous = read("incident", before.start, before.end, [Want(CREATED, (ALL,), org, area)], org, area)

    def spreads(grouping, o=org, a=area, by=("key",)):
        return {k: group_of(c, "mtta", "mttr") for k, c in found.sum(CREATED, grouping, o, a, by).items()}

    groups = {
        "by_severity": ("Severity", {Severity(k): g for k, g in spreads("severity").items()},
                        lambda found: [(s, s.label) for s in Severity]),
        "by_organization": ("Organization", spreads(ALL, o=each_org, by=("org",)),
                            _named(Organization, Organization.name, "—")),
        "by_product_area": ("Product area", ids(spreads(ALL, a=each_area, by=("area",))),
                            _named(ProductArea, ProductArea.name, "No product area")),
        "by_commander": ("Commander", ids(spreads("commander")), _named(User, User.display_name, "No commander")),
    }
    tables = {"summary": _summary(group_of(found.one(CREATED, ALL, org, area), "mtta", "mttr"),
                                  group_of(previous.one(CREATED, ALL, org, area), "mtta", "mttr"))}
    for key, (label, spread, names) in groups.items():
        tables[key] = Table(key, f"Per {label.lower()}", [Column("group", label)] + SPREAD_COLUMNS,
                            _spread_rows(spread, names))
    weekly = WeeklyChart(weeks_between(scope.start, scope.end), [(s.value, s.label) for s in Severity],
                         {k: c.total for k, c in found.sum(CREATED, "severity", org, area, ("week", "key")).items()})
    tables["weekly"] = Table("weekly", "Incidents declared per week",
                             [Column("week", "Week of", "date")] + [Column(k, label, "count") for k, label in weekly.series]
                             + [Column("total", "Total", "count")],
                             [(w, *(weekly.values.get((w, k), 0) for k, _ in weekly.series), weekly.total(w))
                              for w in weekly.weeks])
    tables["longest"] = _longest(incident_filter(actor, scope), found.one(CREATED, ALL, org, area).longest, now)
    tables["sla"] = sla_table(found.sum(RESOLVED, "level", each_org, area, ("org", "key")), Severity, "Severity")
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


def weeks_between(start: datetime, end: datetime) -> list[date]:
    """The Mondays of every week that overlaps [start, end)."""
    monday = start.date() - timedelta(days=start.weekday())
    weeks = []
    while datetime.combine(monday, datetime.min.time()) < end and len(weeks) < 300:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def _longest(where, ended, now):
    """The longest incidents: the ended ones the rollup kept (*ended*), and the ones still open, which grow until now."""
    # Few incidents are open at a time: read them all through the status index (an ORDER BY created_at
    # LIMIT would walk the created_at index past every ended incident of the period).
    running = db.session.execute(select(Incident.number, Incident.created_at).where(
        *where, Incident.status.in_(OPEN_STATUSES)))
    top = longest_first(ended + [[(now - created).total_seconds(), number] for number, created in running])
    details = {row[0]: row for row in db.session.execute(
        select(Incident.number, Incident.title, Incident.severity, Incident.status, Organization.name)
        .join(Organization, Organization.id == Incident.org_id).where(Incident.number.in_([n for _, n in top])))}
    rows = [(*details[number], seconds) for seconds, number in top if number in details]
    return Table("longest", f"Longest incidents of the period (top {LONGEST})",
                 [Column("incident", "Incident", "incident"), Column("title", "Title"),
                  Column("severity", "Severity"), Column("status", "Status"), Column("organization", "Organization"),
                  Column("duration", "Open for", "duration")],
                 [(number, title, severity.label, status.label + (" (still open)" if status.is_open else ""),
                   org, seconds) for number, title, severity, status, org, seconds in rows],
                 note="Until resolved (or closed without a resolution); open incidents count until now.")


def sla_table(found: dict, levels, label) -> Table:
    """Records resolved in the period under an SLA: how many met every target, how many missed one.

    *found* is {(organization id, level value): Cell} of the period's resolutions.
    """
    counted = {k: c for k, c in found.items() if c.met or c.breached}
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_(sorted({org for org, _ in counted})))).all()) if counted else {}
    rows = sorted(((names.get(org, "—"), levels(level), c.met, c.breached) for (org, level), c in counted.items()),
                  key=lambda row: (row[0], row[1].value))
    met, breached, percent = reports.compliance_totals(rows)
    shown = [(org, level.label, m, b, f"{100 * m / (m + b):.0f}%") for org, level, m, b in rows]
    if rows:
        shown.append(("All", "", met, breached, f"{percent:.0f}%"))
    return Table("sla", "SLA compliance", [Column("org", "Organization"), Column("level", label),
                                           Column("met", "Met", "count"), Column("breached", "Breached", "count"),
                                           Column("share", "Met (share)")], shown,
                 note="Resolved in the period under an SLA policy; breached means at least one target was missed.")
