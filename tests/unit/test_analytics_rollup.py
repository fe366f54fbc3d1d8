"""The analytics rollup: exact counts, fresh after one worker round, tenant-tight, and the same with or without it."""
from datetime import timedelta
import random

import pytest
from sqlalchemy import func, select

from app.models import DirtyDay, IncidentStatus, Role, RollupCell, Severity, SlaState
from app.models.base import utcnow
from app.outbox.worker import Worker
from app.services import incidents, rollup
from app.services.analytics import incident_report
from app.services.analytics_filters import scope_for
from app.services.histograms import ABSOLUTE_ERROR, RELATIVE_ERROR
from app.services.report_stats import percentile
from app.services.rollup_read import plan
from app.services.ticket_analytics import ticket_report


@pytest.fixture
def manager(factory):
    return factory.user(Role.MANAGER)


@pytest.fixture
def many(factory):
    """60 incidents over 100 days in two organizations and two product areas, some acknowledged and resolved."""
    rng = random.Random(7)
    acme, globex = factory.org("Acme"), factory.org("Globex")
    areas = [factory.product_area("Payments"), factory.product_area("Search"), None]
    made = []
    for i in range(60):
        start = (utcnow() - timedelta(days=rng.uniform(0, 100))).replace(microsecond=0)
        ack = rng.uniform(10, 3600) if i % 4 else None
        fix = rng.uniform(600, 86400 * 3) if i % 3 == 0 and ack else None
        made.append(factory.incident(
            org=[acme, globex][i % 2], severity=list(Severity)[i % 4], created_at=start,
            product_area_id=areas[i % 3].id if areas[i % 3] else None,
            status=IncidentStatus.RESOLVED if fix else IncidentStatus.INVESTIGATING if ack else IncidentStatus.DETECTED,
            acknowledged_at=start + timedelta(seconds=ack) if ack else None,
            resolved_at=start + timedelta(seconds=fix) if fix else None,
            sla_state=(SlaState.MET if i % 2 else SlaState.BREACHED) if fix else None))
    return acme, globex, areas, made


def tables_of(report):
    return {key: table.rows for key, table in report.tables.items()}


def incident_tables(actor, scope):
    """The incident report's rows, with "now" held at the end of the period (open incidents grow with it)."""
    return tables_of(incident_report(actor, scope, now=scope.end))


def ticket_tables(actor, scope):
    return tables_of(ticket_report(actor, scope, now=scope.end))


def refresh_everything():
    while rollup.refresh_dirty():
        pass


def queued(db):
    return db.session.scalar(select(func.count()).select_from(DirtyDay))


def test_every_change_queues_its_days_and_one_round_stores_them(db, many, manager):
    assert queued(db) > 0
    scope = scope_for(manager, period="90")
    live = incident_tables(manager, scope)   # every day still queued: computed from the records
    refresh_everything()
    assert queued(db) == 0 and db.session.scalar(select(func.count()).select_from(RollupCell)) > 0
    periods = plan("incident", scope.start, scope.end)
    assert len(periods.weeks) >= 11 and len(periods.live) == 2   # only the part days at the edges are live
    assert incident_tables(manager, scope) == live


def test_counts_are_exact_and_percentiles_within_the_bound(many, manager):
    acme, globex, areas, made = many
    refresh_everything()
    scope = scope_for(manager, period="90")
    inside = [i for i in made if scope.start <= i.created_at < scope.end]
    tables = incident_report(manager, scope).tables
    for row in tables["by_severity"].rows:
        mine = [i for i in inside if i.severity.label == row[0]]
        mtta = sorted((i.acknowledged_at - i.created_at).total_seconds() for i in mine if i.acknowledged_at)
        mttr = sorted((i.resolved_at - i.created_at).total_seconds() for i in mine if i.resolved_at)
        assert row[1:3] == (len(mine), len(mtta)) and row[5] == len(mttr)
        for estimate, values, share in ((row[3], mtta, .5), (row[4], mtta, .9), (row[6], mttr, .5), (row[7], mttr, .9)):
            truth = percentile(values, share)
            assert (estimate is None) == (truth is None)
            if truth is not None:
                assert abs(estimate - truth) <= RELATIVE_ERROR * truth + ABSOLUTE_ERROR
    assert sum(row[-1] for row in tables["weekly"].rows) == len(inside)
    by_org = {row[0]: row[1] for row in tables["by_organization"].rows}
    assert by_org == {"Acme": sum(i.org_id == acme.id for i in inside), "Globex": sum(i.org_id == globex.id for i in inside)}
    resolved = [i for i in made if i.resolved_at and scope.start <= i.resolved_at < scope.end]
    assert tables["sla"].rows[-1][2:4] == (sum(i.sla_state == SlaState.MET for i in resolved),
                                           sum(i.sla_state == SlaState.BREACHED for i in resolved))
    lasted = sorted(((i.resolved_at or scope.end) - i.created_at, i.number) for i in inside)
    expected = [number for _, number in sorted(lasted, key=lambda pair: (-pair[0], pair[1]))[:10]]
    assert [row[0] for row in incident_report(manager, scope, now=scope.end).tables["longest"].rows] == expected


@pytest.mark.parametrize("period", ["7", "30", "365", "custom"])
def test_filters_give_the_same_numbers_from_the_rollup_as_from_the_records(many, manager, period):
    acme, _, areas, _ = many
    today = utcnow().date()
    kwargs = {"period": period, "date_from": today - timedelta(days=40), "date_to": today - timedelta(days=3)}
    scopes = [scope_for(manager, **kwargs), scope_for(manager, org_id=acme.id, **kwargs),
              scope_for(manager, product_area_id=areas[0].id, **kwargs),
              scope_for(manager, org_id=acme.id, product_area_id=areas[1].id, **kwargs)]
    live = [(incident_tables(manager, s), ticket_tables(manager, s)) for s in scopes]
    refresh_everything()
    assert [(incident_tables(manager, s), ticket_tables(manager, s)) for s in scopes] == live


def test_a_resolution_shows_at_once_and_stays_after_the_worker_round(app, db, factory, manager):
    incident = factory.incident(severity=Severity.SEV1, created_at=utcnow() - timedelta(days=3))
    refresh_everything()
    responder = factory.user(Role.RESPONDER)
    for target in ("investigating", "mitigated", "resolved"):
        incidents.transition_incident(responder, incident.number, target)
    assert queued(db) > 0
    scope = scope_for(manager, period="30")
    sev1 = {r[0]: r for r in incident_report(manager, scope).tables["by_severity"].rows}["SEV1"]
    assert sev1[5] == 1
    Worker(app).tick()
    assert queued(db) == 0
    assert {r[0]: r for r in incident_report(manager, scope).tables["by_severity"].rows}["SEV1"][5] == 1


def test_a_customer_manager_sees_only_their_organization_from_the_rollup(factory, many):
    acme, globex, _, made = many
    refresh_everything()
    boss = factory.user(Role.MANAGER, org=globex)
    scope = scope_for(boss, period="365")
    report = incident_report(boss, scope)
    assert report.total == sum(i.org_id == globex.id for i in made if i.created_at >= scope.start)
    assert [row[0] for row in report.tables["by_organization"].rows] == ["Globex"]
    assert {row[0] for row in report.tables["sla"].rows} <= {"Globex", "All"}
    shown = {row[0] for row in report.tables["longest"].rows}
    assert shown and shown <= {i.number for i in made if i.org_id == globex.id}
    factory.ticket(org=acme, created_at=utcnow() - timedelta(days=2))
    refresh_everything()
    assert ticket_report(boss, scope).tables["top_organizations"].rows == []


def test_rebuild_recomputes_everything_from_the_records(db, many, manager):
    scope = scope_for(manager, period="365")
    refresh_everything()
    before = incident_tables(manager, scope)
    db.session.execute(RollupCell.__table__.update().values(total=999))   # a rollup gone wrong
    db.session.commit()
    assert incident_tables(manager, scope) != before
    lines = []
    assert rollup.rebuild(lambda record, done, total: lines.append((record, done, total))) > 0
    assert lines[-1][1] == lines[-1][2]
    assert incident_tables(manager, scope) == before
