"""The words under a mood chart, as facts a writer's sentences can use: how many days were
answered, the range, the most usual answer, and whether the last days were lighter or
heavier than the week before.

Never a score: no average is shown, and a trend is only named when both weeks have a few
answers and the difference is clear, so one bad day does not become a verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .series import DayMood

TREND_DAYS = 7  # the last week against the one before
TREND_MIN_ANSWERS = 2  # answered days each of the two weeks needs before a trend is named
TREND_STEP = 0.75  # on the 1..5 scale: a smaller difference is "steady"
HEAVY = 2.0  # a last week (of at least two answers) at or under "low" on average is named, with support
LIGHTER, HEAVIER, STEADY = "lighter", "heavier", "steady"


@dataclass(frozen=True)
class MoodSummary:
    days: int  # days the chart covers
    answered: int  # days with an answer
    low: int  # the lowest day, as a level 1..5
    high: int  # the highest day
    most: int  # the level seen on the most days (of a tie, the latest)
    trend: str  # LIGHTER, HEAVIER, STEADY, or "" when there is too little to say
    heavy: bool = False  # the last week's answers were low or really low: the words offer support


def level(mood: float) -> int:
    """A day's mean as a level 1..5, halves rounded up (2.5 reads as 3)."""
    return max(1, min(5, int(mood + 0.5)))


def summarise(days: Sequence[DayMood], fortnight: Sequence[DayMood]) -> MoodSummary:
    """``days`` as the chart shows them; ``fortnight``: the last 14 days, for the trend."""
    levels = [level(d.mood) for d in days if d.mood is not None]
    if not levels:
        return MoodSummary(len(days), 0, 0, 0, 0, "")
    counts = Counter(levels)
    top = max(counts.values())
    most = next(lv for lv in reversed(levels) if counts[lv] == top)
    return MoodSummary(len(days), len(levels), min(levels), max(levels), most, trend(fortnight), heavy(fortnight))


def trend(fortnight: Sequence[DayMood]) -> str:
    earlier = [d.mood for d in fortnight[:-TREND_DAYS] if d.mood is not None]
    recent = [d.mood for d in fortnight[-TREND_DAYS:] if d.mood is not None]
    if len(earlier) < TREND_MIN_ANSWERS or len(recent) < TREND_MIN_ANSWERS:
        return ""
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if change >= TREND_STEP:
        return LIGHTER
    if change <= -TREND_STEP:
        return HEAVIER
    return STEADY


def heavy(fortnight: Sequence[DayMood]) -> bool:
    recent = [d.mood for d in fortnight[-TREND_DAYS:] if d.mood is not None]
    return len(recent) >= TREND_MIN_ANSWERS and sum(recent) / len(recent) <= HEAVY
