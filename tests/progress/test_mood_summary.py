"""The facts under the chart: range, most usual answer, a trend only when it is clear."""

from __future__ import annotations

from datetime import date, timedelta

from bot.progress.mood_summary import HEAVIER, LIGHTER, STEADY, level, summarise
from bot.progress.series import DayMood

TODAY = date(2026, 3, 14)


def days(*moods):
    return [DayMood(TODAY - timedelta(days=len(moods) - 1 - i), m) for i, m in enumerate(moods)]


def test_levels_round_halves_up_and_stay_on_the_scale() -> None:
    assert [level(m) for m in (1.0, 1.4, 2.5, 3.49, 4.5, 5.0)] == [1, 1, 3, 3, 5, 5]


def test_no_answer_says_nothing() -> None:
    summary = summarise(days(None, None), days(None, None))
    assert (summary.answered, summary.trend, summary.heavy) == (0, "", False)


def test_range_and_the_most_usual_answer_the_latest_of_a_tie() -> None:
    summary = summarise(days(2, None, 4, 2, 4, None), days(2, None, 4, 2, 4, None))
    assert (summary.days, summary.answered, summary.low, summary.high, summary.most) == (6, 4, 2, 4, 4)


def test_a_trend_needs_two_answers_each_week_and_a_clear_difference() -> None:
    fortnight = [2, 2, None, None, None, None, None] + [4, 4, None, None, None, None, None]
    assert summarise(days(*fortnight), days(*fortnight)).trend == LIGHTER
    assert summarise(days(*fortnight), days(*reversed(fortnight))).trend == HEAVIER
    one_week_one_answer = [3, None, None, None, None, None, None] + [5, 5, None, None, None, None, None]
    assert summarise(days(*one_week_one_answer), days(*one_week_one_answer)).trend == ""
    small = [3, 3, None, None, None, None, None] + [3.5, 3.5, None, None, None, None, None]
    assert summarise(days(*small), days(*small)).trend == STEADY


def test_a_low_last_week_is_heavy() -> None:
    fortnight = [None] * 7 + [2, 1, None, 2, None, None, None]
    assert summarise(days(*fortnight), days(*fortnight)).heavy
    assert not summarise(days(*([None] * 7 + [2, 3, None, 3, None, None, None])), days(*([None] * 7 + [2, 3, None, 3, None, None, None]))).heavy
