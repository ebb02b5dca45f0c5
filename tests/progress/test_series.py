"""Answers become one mood per local day: the person's zone decides the day, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.progress.series import DayMood, daily_moods


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "answers,zone,today,days,expected",
    [
        # UTC: one answer on the last day, the others empty
        ([(at(2026, 1, 15, 12), 4)], "UTC", date(2026, 1, 15), 3, [None, None, 4.0]),
        # Tokyo (+9): 23:30 UTC on the 14th is 08:30 on the 15th there
        ([(at(2026, 1, 14, 23, 30), 2)], "Asia/Tokyo", date(2026, 1, 15), 2, [None, 2.0]),
        # New York (-5): 02:00 UTC on the 16th is still the evening of the 15th
        ([(at(2026, 1, 16, 2), 5)], "America/New_York", date(2026, 1, 16), 2, [5.0, None]),
        # Berlin across spring forward (29 March 2026): 22:30 UTC is 23:30 the same day in
        # winter time (+1) but 00:30 the next day in summer time (+2)
        ([(at(2026, 3, 28, 22, 30), 1), (at(2026, 3, 29, 22, 30), 3)], "Europe/Berlin", date(2026, 3, 30), 3, [1.0, None, 3.0]),
        # New York across fall back (1 November 2026): 04:30 UTC is 00:30 EDT on the 1st, 23:30 EST on the 1st the day after
        ([(at(2026, 11, 1, 4, 30), 2), (at(2026, 11, 2, 4, 30), 4)], "America/New_York", date(2026, 11, 2), 3, [None, 3.0, None]),
        # several answers in a day: their mean
        ([(at(2026, 1, 15, 8), 2), (at(2026, 1, 15, 13), 3), (at(2026, 1, 15, 21), 5)], "UTC", date(2026, 1, 15), 1, [10 / 3]),
        # outside the window (before the first day, after today) is ignored
        ([(at(2026, 1, 12, 23), 1), (at(2026, 1, 13, 0), 2), (at(2026, 1, 16, 0), 5)], "UTC", date(2026, 1, 15), 3, [2.0, None, None]),
        # no zone, or one that does not exist: UTC
        ([(at(2026, 1, 14, 23, 30), 3)], None, date(2026, 1, 15), 2, [3.0, None]),
        ([(at(2026, 1, 14, 23, 30), 3)], "Not/AZone", date(2026, 1, 15), 2, [3.0, None]),
        # a naive moment is read as UTC
        ([(datetime(2026, 1, 15, 10), 4)], "UTC", date(2026, 1, 15), 1, [4.0]),
        # no answers at all: every day empty
        ([], "Europe/London", date(2026, 1, 15), 4, [None] * 4),
    ],
    ids=["utc", "tokyo-ahead", "new-york-behind", "berlin-spring-forward", "new-york-fall-back", "mean", "window", "no-zone", "unknown-zone", "naive", "none"],
)
def test_daily_moods(answers, zone, today, days, expected) -> None:
    result = daily_moods(answers, zone, today, days)
    assert [d.mood for d in result] == pytest.approx(expected)


def test_the_window_is_the_days_ending_today_oldest_first() -> None:
    result = daily_moods([], "UTC", date(2026, 3, 2), 4)  # across the end of February
    assert [d.day for d in result] == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert daily_moods([(at(2026, 3, 2), 3)], "UTC", date(2026, 3, 2), 0) == []
    assert daily_moods([], "UTC", date(2026, 3, 2), 1) == [DayMood(date(2026, 3, 2), None)]


def test_answers_may_be_any_iterable_in_any_order() -> None:
    answers = iter([(at(2026, 1, 15, 9), 4), (at(2026, 1, 13, 9), 2), (at(2026, 1, 15, 8), 2)])
    assert [d.mood for d in daily_moods(answers, "UTC", date(2026, 1, 15), 3)] == [2.0, None, 3.0]
