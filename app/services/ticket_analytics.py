"""Ticket analytics: opened against resolved per week, the backlog and its age, resolution and first-response times.

Resolution time: raised to resolved (a reopen clears it, so the last resolution counts).
First response: raised to the first comment by someone other than the reporter.
Counts come from the rollup, exact; durations from its histograms. The backlog is read live.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select

from app.extensions import db
from app.models import OPEN_TICKET_STATUSES, Campaign, IssueType, Organization, Priority, Ticket, User
from app.models.base import utcnow
from app.services.analytics import _named, group_of, ids, sla_table, viewer_org, weeks_between
from app.services.analytics_filters import Scope
from app.services.core.permissions import Permission, require, visible_filter
from app.services.report_stats import Group, counts, grouped
from app.services.report_tables import Column, Table, WeeklyChart
from app.services.rollup_cells import ALL, CREATED, RESOLVED
from app.services.rollup_read import EACH, Want, read

TOP_ORGANIZATIONS = 10
AGES = [("under_1d", "Under a day", 1), ("1_7d", "1 to 7 days", 7), ("7_30d", "7 to 30 days", 30),
        ("over_30d", "Over 30 days", None)]
TIME_COLUMNS = [Column("count", "Resolved", "count"), Column("median", "Median", "duration"),
                Column("p90", "p90", "duration")]


@dataclass
class TicketReport:
    scope: Scope
    opened: int
    tables: dict[str, Table]
    weekly: WeeklyChart


def _priorities(found):
    return [(p, p.label) for p in Priority]


def ticket_report(actor: User, scope: Scope, now: datetime | None = None) -> TicketReport:
    """Everything the ticket analytics page shows for *scope* (its product area does not apply to tickets)."""
    require(actor, Permission.VIEW_ANALYTICS)
    now = now or utcnow()
    org = viewer_org(actor, scope)
    each_org = org if org is not None else EACH
    found = read("ticket", scope.start, scope.end, [
        Want(CREATED, (ALL,), org, weekly=True), Want(CREATED, ("priority", "campaign", "issue_type"), org),
        Want(CREATED, (ALL,), each_org), Want(RESOLVED, (ALL,), org, weekly=True), Want(RESOLVED, ("level",), each_org, counts_only=True)], org)

    def spreads(grouping, o=org, by=("key",)):
        return {k: group_of(c, "resolution", "first") for k, c in found.sum(CREATED, grouping, o, None, by).items()}

    by_priority = {Priority(k): g for k, g in spreads("priority").items()}
    weekly = WeeklyChart(weeks_between(scope.start, scope.end), [("opened", "Opened"), ("resolved", "Resolved")], {
        (week, name): cell.total for name, basis in (("opened", CREATED), ("resolved", RESOLVED))
        for week, cell in found.sum(basis, ALL, org, None, ("week",)).items()})
    visible = [visible_filter(actor, Ticket)] + ([Ticket.org_id == scope.org_id] if scope.org_id else [])
    tables = {
        "ticket_weekly": Table("ticket_weekly", "Tickets opened and resolved per week",
                               [Column("week", "Week of", "date"), Column("opened", "Opened", "count"),
                                Column("resolved", "Resolved", "count")],
                               [(w, weekly.values.get((w, "opened"), 0), weekly.values.get((w, "resolved"), 0))
                                for w in weekly.weeks]),
        **_backlog(visible, now),
        "resolution_by_priority": _times("resolution_by_priority", "Resolution time per priority", "Priority",
                                         by_priority, _priorities),
        "resolution_by_campaign": _times("resolution_by_campaign", "Resolution time per campaign", "Campaign",
                                         ids(spreads("campaign")), _named(Campaign, Campaign.name, "No campaign")),
        "resolution_by_issue_type": _times("resolution_by_issue_type", "Resolution time per issue type", "Issue type",
                                           ids(spreads("issue_type")),
                                           _named(IssueType, IssueType.name, "No issue type")),
        "first_response": _first_response(by_priority),
        "top_organizations": _top_organizations(spreads(ALL, o=each_org, by=("org",))),
        "sla": sla_table(found.sum(RESOLVED, "level", each_org, None, ("org", "key")), Priority, "Priority"),
    }
    return TicketReport(scope, sum(r[1] for r in tables["ticket_weekly"].rows), tables, weekly)


def _backlog(visible, now):
    """Open tickets now: per priority (count, median and p90 age, oldest), and per age band."""
    backlog = visible + [Ticket.status.in_(OPEN_TICKET_STATUSES)]
    found = grouped(backlog, Ticket.created_at, {"age": now}, {"priority": Ticket.priority})
    # Age bands by comparing timestamps: no arithmetic per row.
    band = case(*[(Ticket.created_at > now - timedelta(days=days), key) for key, _, days in AGES if days],
                else_=AGES[-1][0])
    bands = counts(*backlog, group=band)
    rows = []
    for priority in Priority:
        spread = found["priority"].get(priority, Group())["age"]
        rows.append((priority.label, spread.count, spread.median, spread.p90, spread.longest))
    return {
        "backlog": Table("backlog", "Backlog now, per priority",
                         [Column("priority", "Priority"), Column("open", "Open", "count"),
                          Column("median_age", "Median age", "duration"), Column("p90_age", "p90 age", "duration"),
                          Column("oldest", "Oldest", "duration")], rows,
                         note="Open or in progress now, whatever the period."),
        "backlog_age": Table("backlog_age", "Backlog by age", [Column("age", "Age"), Column("open", "Open", "count")],
                             [(label, bands.get(key, 0)) for key, label, _ in AGES]),
    }


def _times(key, title, label, found, names):
    rows = []
    for k, name in names({k: g.count for k, g in found.items()}):
        spread = found.get(k, Group())["resolution"]
        rows.append((name, spread.count, spread.median, spread.p90))
    return Table(key, title, [Column("group", label)] + TIME_COLUMNS, rows, note="Tickets raised in the period.")


def _first_response(by_priority):
    rows = [(p.label, *(lambda s: (s.count, s.median, s.p90))(by_priority.get(p, Group())["first"])) for p in Priority]
    return Table("first_response", "First response time per priority",
                 [Column("priority", "Priority"), Column("count", "Answered", "count"),
                  Column("median", "Median", "duration"), Column("p90", "p90", "duration")], rows,
                 note="Raised to the first comment by someone other than the reporter; tickets raised in the period.")


def _top_organizations(found):
    top = sorted(found.items(), key=lambda kv: -kv[1].count)[:TOP_ORGANIZATIONS]
    names = dict(db.session.execute(select(Organization.id, Organization.name)
                                    .where(Organization.id.in_([k for k, _ in top]))).all()) if top else {}
    return Table("top_organizations", f"Top reporting organizations (top {TOP_ORGANIZATIONS})",
                 [Column("organization", "Organization"), Column("opened", "Tickets raised", "count"),
                  Column("resolved", "Resolved", "count")],
                 [(names.get(k, "—"), g.count, g["resolution"].count) for k, g in top])
