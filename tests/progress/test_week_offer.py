"""A check-in offers "See your week" after an okay or good answer, at most once a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..checkins.helpers import labels, press, settings, sweep
from .helpers import person_with_moods

USER = "console:wy"
MONDAY = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # Europe/London is UTC in January


def nudge(runtime, clock):
    clock.now = settings(runtime, USER).next_due_at
    (sent,) = sweep(runtime)
    clock.advance(minutes=2)
    return sent.replies


def test_the_first_answer_of_the_week_offers_the_week_and_the_next_does_not(runtime, clock) -> None:
    clock.now = MONDAY
    person_with_moods(runtime, USER, clock(), [(3, 3), (2, 4)])  # Friday and Saturday before
    replies = press(runtime.companion, USER, nudge(runtime, clock), "Okay")
    assert labels(replies)[-2:] == ["See your week", "Open the menu"]
    (week,) = press(runtime.companion, USER, replies, "See your week")
    assert week.picture is not None and "Your last seven days" in week.picture.caption

    replies = press(runtime.companion, USER, nudge(runtime, clock), "Good")  # Monday evening or Tuesday
    assert "See your week" not in labels(replies) and labels(replies)[-1] == "Open the menu"


def test_a_low_answer_gets_support_first_and_no_chart(runtime, clock) -> None:
    clock.now = MONDAY
    person_with_moods(runtime, USER, clock(), [(3, 3), (2, 4)])
    replies = press(runtime.companion, USER, nudge(runtime, clock), "Low")
    assert "See your week" not in labels(replies)
    replies = press(runtime.companion, USER, replies, "Just rest")
    assert "See your week" not in labels(replies)


def test_too_few_answers_offer_nothing_to_see(runtime, clock) -> None:
    clock.now = MONDAY
    person_with_moods(runtime, USER, clock(), [(2, 4)])
    replies = press(runtime.companion, USER, nudge(runtime, clock), "Good")
    assert "See your week" not in labels(replies) and labels(replies)[-1] == "Open the menu"


def test_a_new_week_offers_it_again(runtime, clock) -> None:
    clock.now = MONDAY
    person_with_moods(runtime, USER, clock(), [(3, 3), (2, 4)])
    assert "See your week" in labels(press(runtime.companion, USER, nudge(runtime, clock), "Okay"))
    while settings(runtime, USER).next_due_at < MONDAY + timedelta(days=7):
        press(runtime.companion, USER, nudge(runtime, clock), "Okay")
    assert "See your week" in labels(press(runtime.companion, USER, nudge(runtime, clock), "Okay"))
