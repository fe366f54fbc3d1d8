"""The SLA clock's arithmetic: business hours, weekends, holidays, DST, other zones, pauses and reopening."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import SlaState, TicketStatus as S
from app.services.sla_clock import (
    Calendar, intervals_in, measure, moment_reached, overall, parse_hours, working_seconds,
)

OFFICE = {day: (time(9), time(17)) for day in range(5)}
UTC_OFFICE = Calendar(ZoneInfo("UTC"), OFFICE)
BERLIN = Calendar(ZoneInfo("Europe/Berlin"), OFFICE)
HOURS = 3600.0


def at(text):
    return datetime.fromisoformat(text)


def test_office_hours_skip_the_weekend():
    # Friday 16:00 to Monday 10:00 UTC: one hour on Friday, one on Monday.
    assert working_seconds(UTC_OFFICE, at("2026-11-27 16:00"), at("2026-11-30 10:00")) == 2 * HOURS


def test_a_deadline_over_the_weekend_lands_on_monday():
    assert moment_reached(UTC_OFFICE, [(at("2026-11-27 16:00"), None)], 4 * HOURS) == at("2026-11-30 12:00")


def test_a_holiday_counts_nothing():
    calendar = Calendar(ZoneInfo("UTC"), OFFICE, frozenset({date(2026, 12, 25)}))
    # Thursday 24 December 16:00 -> Monday 28 December 10:00: Christmas Day (Friday) is skipped.
    assert working_seconds(calendar, at("2026-12-24 16:00"), at("2026-12-28 10:00")) == 2 * HOURS
    assert moment_reached(calendar, [(at("2026-12-24 16:00"), None)], 2 * HOURS) == at("2026-12-28 10:00")


def test_working_hours_stay_local_across_the_spring_dst_change():
    # Berlin moves from UTC+1 to UTC+2 on Sunday 29 March 2026. 09:00 local is 08:00 UTC before, 07:00 UTC after.
    friday_four_pm = at("2026-03-27 15:00")   # 16:00 CET
    monday_ten_am = at("2026-03-30 08:00")    # 10:00 CEST
    assert working_seconds(BERLIN, friday_four_pm, monday_ten_am) == 2 * HOURS
    assert moment_reached(BERLIN, [(friday_four_pm, None)], 2 * HOURS) == monday_ten_am


def test_working_hours_stay_local_across_the_autumn_dst_change():
    # Back to UTC+1 on Sunday 25 October 2026: 17:00 local on Monday is 16:00 UTC.
    assert moment_reached(BERLIN, [(at("2026-10-23 14:00"), None)], 2 * HOURS) == at("2026-10-26 09:00")


def test_around_the_clock_counts_real_elapsed_time_over_a_dst_change():
    calendar = Calendar(ZoneInfo("Europe/Berlin"), OFFICE, around_the_clock=True)
    # 23:00 CET Saturday to 05:00 CEST Sunday is five real hours, not six on the wall clock.
    assert working_seconds(calendar, at("2026-03-28 22:00"), at("2026-03-29 03:00")) == 5 * HOURS


def test_a_non_utc_zone_counts_its_own_office_hours():
    new_york = Calendar(ZoneInfo("America/New_York"), OFFICE)
    # 09:00 UTC Monday is 04:00 in New York: the clock starts at 09:00 EST = 14:00 UTC.
    assert moment_reached(new_york, [(at("2026-11-30 09:00"), None)], 1 * HOURS) == at("2026-11-30 15:00")
    assert working_seconds(new_york, at("2026-11-30 09:00"), at("2026-11-30 23:00")) == 8 * HOURS


def test_a_paused_ticket_keeps_the_time_it_used_and_resumes():
    history = [(at("2026-11-30 09:00"), S.OPEN), (at("2026-11-30 11:00"), S.WAITING),
               (at("2026-12-01 09:00"), S.IN_PROGRESS)]
    intervals = intervals_in(history, {S.OPEN, S.IN_PROGRESS}, at("2026-12-01 10:00"))
    assert intervals == [(at("2026-11-30 09:00"), at("2026-11-30 11:00")), (at("2026-12-01 09:00"), None)]
    clock = measure("resolve", UTC_OFFICE, intervals, 4 * 3600, 0.75, at("2026-12-01 10:00"), done=False)
    assert clock.used_seconds == 3 * HOURS
    assert clock.due_at == at("2026-12-01 11:00")
    assert clock.state == SlaState.AT_RISK


def test_while_paused_there_is_no_deadline_and_the_scan_has_nothing_to_wait_for():
    history = [(at("2026-11-30 09:00"), S.OPEN), (at("2026-11-30 10:00"), S.WAITING)]
    intervals = intervals_in(history, {S.OPEN, S.IN_PROGRESS}, at("2026-12-10 10:00"))
    clock = measure("resolve", UTC_OFFICE, intervals, 4 * 3600, 0.75, at("2026-12-10 10:00"), done=False)
    assert clock.paused and clock.due_at is None and clock.next_change is None
    assert clock.state == SlaState.ON_TRACK and clock.used_seconds == 1 * HOURS


def test_reopening_after_resolve_resumes_with_the_time_already_used():
    history = [(at("2026-11-30 09:00"), S.OPEN), (at("2026-11-30 12:00"), S.RESOLVED),
               (at("2026-12-02 09:00"), S.OPEN)]
    intervals = intervals_in(history, {S.OPEN, S.IN_PROGRESS}, at("2026-12-02 09:30"))
    clock = measure("resolve", UTC_OFFICE, intervals, 4 * 3600, 0.75, at("2026-12-02 09:30"), done=False)
    assert clock.used_seconds == 3.5 * HOURS
    assert clock.due_at == at("2026-12-02 10:00") and clock.state == SlaState.AT_RISK


def test_met_late_is_a_breach_and_met_in_time_is_met():
    intervals = [(at("2026-11-30 09:00"), at("2026-11-30 10:00"))]
    on_time = measure("respond", UTC_OFFICE, intervals, 2 * 3600, 0.75, at("2026-12-30"), done=True)
    late = measure("respond", UTC_OFFICE, intervals, 1800, 0.75, at("2026-12-30"), done=True)
    assert on_time.state == SlaState.MET and on_time.next_change is None
    assert late.state == SlaState.BREACHED and late.due_at == at("2026-11-30 09:30")


@pytest.mark.parametrize("now, state, next_change", [
    ("2026-11-30 10:00", SlaState.ON_TRACK, "2026-11-30 12:00"),   # warns at 75% of 4 h
    ("2026-11-30 12:00", SlaState.AT_RISK, "2026-11-30 13:00"),
    ("2026-11-30 13:00", SlaState.BREACHED, None),
])
def test_a_running_clock_says_when_it_next_changes(now, state, next_change):
    clock = measure("resolve", UTC_OFFICE, [(at("2026-11-30 09:00"), None)], 4 * 3600, 0.75, at(now), done=False)
    assert clock.state == state
    assert clock.next_change == (at(next_change) if next_change else None)


def test_the_record_is_as_bad_as_its_worst_target():
    intervals = [(at("2026-11-30 09:00"), None)]
    met = measure("respond", UTC_OFFICE, [(at("2026-11-30 09:00"), at("2026-11-30 09:10"))], 3600, 0.75,
                  at("2026-11-30 16:00"), done=True)
    risky = measure("resolve", UTC_OFFICE, intervals, 8 * 3600, 0.75, at("2026-11-30 16:00"), done=False)
    assert overall([met, risky]) == SlaState.AT_RISK
    assert overall([met]) == SlaState.MET


def test_stored_hours_parse():
    assert parse_hours({"0": ["09:00", "17:30"]}) == {0: (time(9), time(17, 30))}


def test_a_calendar_without_hours_never_reaches_a_deadline():
    assert moment_reached(Calendar(ZoneInfo("UTC"), {}), [(at("2026-11-30 09:00"), None)], 60) is None
