"""Check-in answers as one value per local day: what the mood chart draws.

A mood belongs to the day the person lived it, so each answer (stored in UTC) is placed on
its local day in the person's zone; an answer at 23:30 in New York is that evening, not the
next UTC morning. A day with several answers shows their mean; a day with none stays empty
(``None``), which the chart leaves as a gap instead of inventing a value. Standard library
only, and the check-ins' time math for the zone: this runs in every /mood turn and must
not pull in the drawing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..checkins.schedule import zone_or_utc


@dataclass(frozen=True)
class DayMood:
    """One local day: the mean of that day's answers (1..5), or None when there was none."""

    day: date
    mood: float | None


def daily_moods(answers: Iterable[tuple[datetime, int]], zone: str | None, today: date, days: int) -> list[DayMood]:
    """The ``days`` local days ending with ``today``, oldest first, each with its mean mood.

    ``answers`` are (moment, mood) pairs with aware UTC moments (a naive moment is read as
    UTC); each is placed on its local day in ``zone``; answers outside the window are ignored.
    """
    if days <= 0:
        return []
    tz = zone_or_utc(zone)
    first = today - timedelta(days=days - 1)
    sums: dict[date, list[int]] = {}
    for moment, mood in answers:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(tz).date()
        if first <= local <= today:
            total = sums.setdefault(local, [0, 0])
            total[0] += mood
            total[1] += 1
    window = (first + timedelta(days=i) for i in range(days))
    return [DayMood(day, sums[day][0] / sums[day][1] if day in sums else None) for day in window]
