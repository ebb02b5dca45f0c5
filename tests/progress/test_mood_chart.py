"""The mood chart: a real PNG of the right size for 0, 2, 10 and 90 answers, with the answers
drawn, gaps left as gaps, the same bytes for the same input, and no red or green."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.progress.mood_chart import ChartWords, mood_chart
from bot.progress.palette import ACCENT
from bot.progress.series import DayMood, daily_moods
from tests.progress.png_checks import assert_a_picture, near, not_background, rgb

WORDS = ChartWords(levels=("really low", "low", "okay", "good", "really good"), no_answers="Your moods will show here as you answer.")
TODAY = date(2026, 3, 14)
SIZE = (1200, 675)
PLOT = (200, 30, 1160, 595)  # inside the axes, right of the level words and above the dates


def answers(count: int, span: int, seed: int = 7) -> list[tuple[datetime, int]]:
    """``count`` answers over the last ``span`` days, in the evening UTC: one a day on distinct
    days while they last, then a second on some days (90 over 84 days: six days have two)."""
    rng = random.Random(seed)
    end = datetime(2026, 3, 14, 19, tzinfo=UTC)
    days = rng.sample(range(span), min(count, span)) + rng.sample(range(span), max(0, count - span))
    return [(end - timedelta(days=d, minutes=rng.randrange(0, 120)), rng.randint(1, 5)) for d in days]


def chart(count: int, span: int, words: ChartWords = WORDS) -> bytes:
    return mood_chart(daily_moods(answers(count, span), "Europe/Berlin", TODAY, span), words)


@pytest.mark.parametrize("count,span", [(0, 28), (2, 28), (10, 28), (90, 84), (0, 84), (10, 84)])
def test_the_chart_is_a_png_of_the_size_with_the_answers_drawn(count, span) -> None:
    png = chart(count, span)
    image = assert_a_picture(png, SIZE, PLOT)
    lavender = near(image, ACCENT, PLOT)
    answered = sum(d.mood is not None for d in daily_moods(answers(count, span), "Europe/Berlin", TODAY, span))
    assert answered == min(count, span)
    # nothing drawn that was not said; else at least a dot's worth a day (a dot is about
    # 200 px on a chart of four weeks or less, about 70 px on a denser one)
    if answered:
        assert lavender > answered * (180 if span <= 35 else 60)
    else:
        assert lavender == 0
    assert png == chart(count, span)  # deterministic


def test_90_answers_over_84_days_put_two_on_some_days() -> None:
    days = daily_moods(answers(90, 84), "Europe/Berlin", TODAY, 84)
    assert len(days) == 84
    assert all(d.mood is not None for d in days)
    assert any(d.mood is not None and d.mood != int(d.mood) for d in days)  # a mean of two
    assert_a_picture(mood_chart(days, WORDS), SIZE, PLOT)


def run(moods: dict[int, float], span: int = 28) -> list[DayMood]:
    """A window of ``span`` days with ``moods`` at those indexes."""
    first = TODAY - timedelta(days=span - 1)
    return [DayMood(first + timedelta(days=i), moods.get(i)) for i in range(span)]


@pytest.mark.parametrize("span", [7, 14])
def test_a_line_joins_only_consecutive_days(span) -> None:
    """Answers on two days in a row are joined (more lavender than their two dots); answers
    with a day between them are two lone dots, no more lavender than the dots alone."""
    apart = rgb(mood_chart(run({2: 3.0, 4: 3.0}, span), WORDS))
    together = rgb(mood_chart(run({2: 3.0, 3: 3.0}, span), WORDS))
    one = rgb(mood_chart(run({2: 3.0}, span), WORDS))
    dot = near(one, ACCENT, PLOT)
    assert near(apart, ACCENT, PLOT) == pytest.approx(2 * dot, rel=0.05)
    assert near(together, ACCENT, PLOT) > 2 * dot + 150


def test_the_note_is_written_only_when_there_are_no_answers() -> None:
    quiet = WORDS.__class__(levels=WORDS.levels)  # no note
    empty = run({})
    noted, bare = rgb(mood_chart(empty, WORDS)), rgb(mood_chart(empty, quiet))
    middle = (400, 250, 1000, 400)
    assert not_background(noted, middle) > not_background(bare, middle) + 1000
    assert mood_chart(run({3: 2.0}), WORDS) == mood_chart(run({3: 2.0}), quiet)  # answers: no note


@pytest.mark.parametrize("span", [1, 7, 14, 28, 84])
def test_the_words_come_from_the_caller(span) -> None:
    """Month and weekday names passed in are used (the picture differs from the default one)."""
    other = ChartWords(levels=("1", "2", "3", "4", "5"), months=tuple(f"M{i}" for i in range(1, 13)), weekdays=("a", "b", "c", "d", "e", "f", "g"))
    default = ChartWords(levels=("1", "2", "3", "4", "5"))
    days = run({0: 3.0}, span)
    assert mood_chart(days, other) != mood_chart(days, default)
    assert_a_picture(mood_chart(days, other), SIZE, (0, 0, 1200, 675))


def test_out_of_scale_moods_and_an_empty_window_still_draw() -> None:
    assert_a_picture(mood_chart(run({1: 0.0, 2: 9.0}), WORDS), SIZE, PLOT)
    assert_a_picture(mood_chart([], WORDS), SIZE, (0, 0, 1200, 675))


def test_two_charts_drawn_at_once_in_threads_are_the_same_as_alone() -> None:
    """Figure and the Agg canvas keep no global state: turns drawing in parallel do not mix."""
    inputs = [daily_moods(answers(10, 28, seed), "UTC", TODAY, 28) for seed in range(4)]
    alone = [mood_chart(days, WORDS) for days in inputs]
    together: list[bytes | None] = [None] * len(inputs)

    def draw(i: int) -> None:
        together[i] = mood_chart(inputs[i], WORDS)

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert together == alone
