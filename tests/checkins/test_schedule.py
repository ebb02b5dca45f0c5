"""The pure time math: zones, daylight saving, quiet hours, rhythms, back-off."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.schedule import (
    Rhythm, in_quiet_hours, later_today, next_slot, out_of_quiet_hours, slot_after_skipping, wall_time,
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone,expected",
    [
        ("Europe/London", at(2026, 1, 15, 20, 30)),  # GMT in winter
        ("Asia/Tokyo", at(2026, 1, 16, 11, 30)),  # 20:30 JST is 11:30 UTC, and today's has passed
        ("America/New_York", at(2026, 1, 16, 1, 30)),  # 20:30 EST is 01:30 UTC the next day
        ("Asia/Kolkata", at(2026, 1, 15, 15, 0)),  # a half-hour offset
        (None, at(2026, 1, 15, 20, 30)),  # no zone: UTC
        ("Not/AZone", at(2026, 1, 15, 20, 30)),  # a zone that no longer exists: UTC
    ],
)
def test_the_same_local_time_in_different_zones(zone, expected) -> None:
    rhythm = Rhythm(minute=20 * 60 + 30, zone=zone)
    assert next_slot(rhythm, at(2026, 1, 15, 12, 0)) == expected


def test_a_daily_time_stays_on_the_wall_clock_across_a_dst_change() -> None:
    rhythm = Rhythm(minute=20 * 60 + 30, zone="America/New_York")
    slots, moment = [], at(2026, 3, 6, 12)
    for _ in range(4):
        moment = next_slot(rhythm, moment)
        slots.append(moment)
    tz = ZoneInfo("America/New_York")
    assert [s.astimezone(tz).strftime("%d %H:%M") for s in slots] == ["06 20:30", "07 20:30", "08 20:30", "09 20:30"]
    # the UTC time moves by an hour on the night the clocks change (8 March 2026)
    assert [s.hour for s in slots] == [1, 1, 0, 0]


def test_a_time_in_the_spring_forward_gap_moves_forward_and_an_ambiguous_one_is_the_first() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    gap = wall_time(datetime(2026, 3, 29).date(), 2 * 60 + 30, berlin)
    assert gap.astimezone(berlin).strftime("%H:%M") == "03:30"
    twice = wall_time(datetime(2026, 10, 25).date(), 2 * 60 + 30, berlin)
    assert twice == at(2026, 10, 25, 0, 30)  # 02:30 CEST, the first of the two


def test_quiet_hours_wrap_midnight_and_move_a_slot_to_their_end() -> None:
    rhythm = Rhythm(minute=7 * 60, zone="Europe/London", quiet=(22 * 60, 8 * 60))
    assert in_quiet_hours(at(2026, 1, 15, 23), rhythm) and in_quiet_hours(at(2026, 1, 15, 3), rhythm)
    assert not in_quiet_hours(at(2026, 1, 15, 8), rhythm) and not in_quiet_hours(at(2026, 1, 15, 21, 59), rhythm)
    assert next_slot(rhythm, at(2026, 1, 15, 12)) == at(2026, 1, 16, 8)  # 07:00 is quiet: 08:00
    assert out_of_quiet_hours(at(2026, 1, 15, 23, 30), rhythm) == at(2026, 1, 16, 8)
    daytime = Rhythm(zone="UTC", quiet=(13 * 60, 14 * 60))
    assert out_of_quiet_hours(at(2026, 1, 15, 13, 30), daytime) == at(2026, 1, 15, 14)


def test_rhythms_use_their_days() -> None:
    few = Rhythm(kind="few", minute=9 * 60, zone="UTC")  # Mon, Wed, Fri
    moment, days = at(2026, 1, 12, 12), []  # a Monday, after 09:00
    for _ in range(4):
        moment = next_slot(few, moment)
        days.append(moment.strftime("%a %d"))
    assert days == ["Wed 14", "Fri 16", "Mon 19", "Wed 21"]
    weekly = Rhythm(kind="weekly", minute=9 * 60, zone="UTC")
    assert next_slot(weekly, at(2026, 1, 12, 12)).strftime("%a %d") == "Sun 18"
    chosen = Rhythm(kind="few", minute=9 * 60, zone="UTC", days=frozenset({1, 3}))
    assert next_slot(chosen, at(2026, 1, 12, 12)).strftime("%a") == "Tue"


def test_back_off_skips_slots_and_later_today() -> None:
    daily = Rhythm(minute=20 * 60, zone="UTC")
    assert slot_after_skipping(daily, at(2026, 1, 15, 12), 1) == at(2026, 1, 15, 20)
    assert slot_after_skipping(daily, at(2026, 1, 15, 12), 2) == at(2026, 1, 16, 20)
    assert slot_after_skipping(daily, at(2026, 1, 15, 12), 4) == at(2026, 1, 18, 20)
    assert later_today(at(2026, 1, 15, 12), daily, 19 * 60) == at(2026, 1, 15, 19)
    assert later_today(at(2026, 1, 15, 20), daily, 19 * 60) is None
