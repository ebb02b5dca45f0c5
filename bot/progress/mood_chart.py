"""The mood chart of /mood: one dot per day that has an answer, on a scale of five words.

It is drawn for a phone and for a person, not for an analyst: large text, one soft colour,
the level words instead of numbers, no title (the caption under the photo carries the
words), no red or green and no shaded good or bad bands, because a low day is not a failure.
A day without an answer stays a gap: the line joins only answers on consecutive days and a
lone answered day is a dot, so nothing is drawn that the person did not say.

Every word comes in :class:`ChartWords` (from texts.yaml); only the month and weekday names
fall back to the standard library's when none are given. Matplotlib is imported when a chart
is drawn, not when this module is imported, so the bot starts as fast as before.
"""

from __future__ import annotations

import calendar
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.progress.palette import ACCENT, BACKGROUND, FONT, LINE, TEXT, TEXT_SOFT, new_figure, png_of
from bot.progress.series import DayMood

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT = 1200, 675  # 16:9; Telegram scales photos to 1280 px on the long side
LABEL_SIZE = 21  # points; at 100 dpi about 29 px, still readable once a phone shrinks the photo
NOTE_SIZE = 24
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class ChartWords:
    """The words on the chart, in the person's language."""

    levels: tuple[str, str, str, str, str]  # y labels, 1 (really low) .. 5 (really good)
    no_answers: str = ""  # written softly across a chart with no answers
    months: tuple[str, ...] = ()  # 12 short month names; empty: the standard library's
    weekdays: tuple[str, ...] = ()  # 7 short names, Monday first; empty: the standard library's


def mood_chart(days: Sequence[DayMood], words: ChartWords) -> bytes:
    """The chart of ``days`` (oldest first, as :func:`bot.progress.series.daily_moods` gives
    them) as PNG bytes, 1200 x 675 px. The same input gives the same bytes."""
    figure = new_figure(WIDTH, HEIGHT)
    figure.set_layout_engine("constrained", w_pad=0.4, h_pad=0.3)
    ax = figure.add_subplot()
    ax.set_facecolor(BACKGROUND)
    _scale(ax, words.levels)
    _days_axis(ax, days, words)
    _moods(ax, days)
    if not any(d.mood is not None for d in days) and words.no_answers:
        ax.text(0.5, 0.5, textwrap.fill(words.no_answers, 44), transform=ax.transAxes, ha="center", va="center",
                fontsize=NOTE_SIZE, fontfamily=FONT, fontstyle="italic", color=TEXT_SOFT, linespacing=1.5,
                bbox={"boxstyle": "round,pad=0.6", "facecolor": BACKGROUND, "edgecolor": "none"})
    return png_of(figure)


def _scale(ax: Axes, levels: Sequence[str]) -> None:
    """The y axis: the five level words on faint lines, no frame."""
    ax.set_ylim(LOW - 0.45, HIGH + 0.45)
    ax.set_yticks(range(LOW, HIGH + 1), list(levels), fontsize=LABEL_SIZE, fontfamily=FONT, color=TEXT)
    ax.tick_params(axis="both", length=0, pad=12)
    ax.grid(axis="y", color=LINE, linewidth=1.5)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _days_axis(ax: Axes, days: Sequence[DayMood], words: ChartWords) -> None:
    """The x axis, one unit a day: every weekday name for a week or less; for longer spans a
    few "day month" ticks a week or two apart, the last one on today."""
    count = max(len(days), 1)
    ax.set_xlim(-0.6, count - 0.4)
    if not days:
        ax.set_xticks([])
        return
    months = words.months if len(words.months) == 12 else tuple(calendar.month_abbr[1:])
    weekdays = words.weekdays if len(words.weekdays) == 7 else tuple(calendar.day_abbr)
    if len(days) <= 7:
        ticks = list(range(len(days)))
        labels = [weekdays[days[i].day.weekday()] for i in ticks]
    else:
        step = 7 * -(-len(days) // 42)  # about six ticks at most, whole weeks apart
        ticks = list(range(len(days) - 1, -1, -step))[::-1]
        labels = [f"{days[i].day.day} {months[days[i].day.month - 1]}" for i in ticks]
    ax.set_xticks(ticks, labels, fontsize=LABEL_SIZE, fontfamily=FONT, color=TEXT)


def _moods(ax: Axes, days: Sequence[DayMood]) -> None:
    """Lines through runs of consecutive answered days, and a dot on every answered day."""
    dense = len(days) > 35
    width, size = (3.0, 9.0) if dense else (4.0, 15.0)
    run: list[tuple[int, float]] = []
    runs: list[list[tuple[int, float]]] = []
    for i, day in enumerate(days):
        if day.mood is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((i, min(max(day.mood, LOW), HIGH)))
    if run:
        runs.append(run)
    for points in runs:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if len(points) > 1:
            ax.plot(xs, ys, color=ACCENT, linewidth=width, solid_capstyle="round", solid_joinstyle="round", zorder=2)
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=size, markerfacecolor=ACCENT,
                markeredgecolor=BACKGROUND, markeredgewidth=2.0 if dense else 3.0, zorder=3)
