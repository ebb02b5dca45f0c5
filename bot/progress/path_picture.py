"""The small picture of /progress: the program's path as stations along a gentle winding line.

Each station is a phase of the program (four to six of them), a circle filled from the
bottom as far as its steps are done (by area, so half done looks half full), its title under
it and "done/total" in small print. The station where the suggested next step is wears a
ring, and the path is tinted up to it: the way walked so far, not a score. Same calm palette
as the mood chart; the words are the titles passed in, nothing else is written. Matplotlib
is imported only when a picture is drawn.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.progress.palette import ACCENT, ACCENT_SOFT, BACKGROUND, FONT, LINE, TEXT, TEXT_SOFT, new_figure, png_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT = 1200, 500
UNIT = 100  # pixels per axis unit: the axes span 12 x 5 units, so circles stay round
TITLE_SIZES = (20, 18, 16, 14)  # points, largest first: the first at which every title fits in two lines
COUNT_SIZE = 15
CHAR_WIDTH = 0.58  # a DejaVu Sans character's mean width, in ems, for wrapping before drawing
WAVE = 0.28  # how far the path winds up and down, in units
PATH_Y = 3.05  # the path's middle height
TITLE_TOP = 2.1  # where the titles begin (their top), under the lowest circle and its ring
LINE_SPACING = 1.25


@dataclass(frozen=True)
class Station:
    """One phase: its title, how many of its steps are done out of how many, and whether the
    suggested next step is here."""

    title: str
    done: int
    total: int
    current: bool = False


def path_picture(stations: Sequence[Station]) -> bytes:
    """The path through ``stations`` (left to right) as PNG bytes, 1200 x 500 px."""
    figure = new_figure(WIDTH, HEIGHT)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH / UNIT)
    ax.set_ylim(0, HEIGHT / UNIT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_facecolor(BACKGROUND)
    if stations:
        slot = WIDTH / UNIT / len(stations)
        xs = [slot * (i + 0.5) for i in range(len(stations))]
        radius = min(0.55, slot * 0.27)
        _path(ax, xs, slot, _walked_to(stations))
        size, titles = _wrapped_titles([s.title for s in stations], slot * UNIT * 0.92)
        lines = max(t.count("\n") + 1 for t in titles)
        counts_top = TITLE_TOP - lines * size * LINE_SPACING / 72 - 0.12  # one row under the tallest title
        for x, station, title in zip(xs, stations, titles, strict=True):
            _station(ax, x, _height(x, slot), radius, station)
            ax.text(x, TITLE_TOP, title, ha="center", va="top", fontsize=size, fontfamily=FONT, linespacing=LINE_SPACING,
                    color=TEXT, fontweight="bold" if station.current else "normal")
            if station.total > 0:
                ax.text(x, counts_top, f"{station.done}/{station.total}", ha="center", va="top", fontsize=COUNT_SIZE, fontfamily=FONT, color=TEXT_SOFT)
    return png_of(figure)


def _height(x: float, slot: float) -> float:
    """The path's height at ``x``: a slow wave, so neighbouring stations sit a little apart."""
    return PATH_Y + WAVE * math.sin(math.pi * x / slot)


def _walked_to(stations: Sequence[Station]) -> int:
    """The index the walked part of the path reaches: the current station, else the last one
    with any step done (-1: nothing walked yet; ``len(stations)``: all of it, every step done)."""
    for i, station in enumerate(stations):
        if station.current:
            return i
    if all(s.total > 0 and s.done >= s.total for s in stations):
        return len(stations)
    started = [i for i, s in enumerate(stations) if s.done > 0]
    return started[-1] if started else -1


def _path(ax: Axes, xs: Sequence[float], slot: float, walked_to: int) -> None:
    """The winding line from the left edge to the right one, pale lavender as far as walked."""
    start, end = xs[0] - slot * 0.45, xs[-1] + slot * 0.45
    steps = 240
    line_x = [start + (end - start) * i / steps for i in range(steps + 1)]
    line_y = [_height(x, slot) for x in line_x]
    ax.plot(line_x, line_y, color=LINE, linewidth=5, solid_capstyle="round", zorder=1)
    if walked_to >= 0:
        until = xs[walked_to] if walked_to < len(xs) else end
        walked = [(x, y) for x, y in zip(line_x, line_y, strict=True) if x <= until]
        ax.plot([p[0] for p in walked], [p[1] for p in walked], color=ACCENT_SOFT, linewidth=6, solid_capstyle="round", zorder=1)


def _station(ax: Axes, x: float, y: float, radius: float, station: Station) -> None:
    """One circle, filled from the bottom by the share of steps done; a ring when current."""
    from matplotlib.patches import Circle, Rectangle

    share = min(max(station.done / station.total, 0.0), 1.0) if station.total > 0 else 0.0
    begun = share > 0 or station.current
    edge = ACCENT if begun else LINE
    ax.add_patch(Circle((x, y), radius, facecolor=BACKGROUND, edgecolor="none", zorder=2))
    if share > 0:
        outline = Circle((x, y), radius, transform=ax.transData)
        level = _level_for_area(share) * 2 * radius
        fill = Rectangle((x - radius, y - radius), 2 * radius, level, facecolor=ACCENT_SOFT, edgecolor="none", zorder=3)
        ax.add_patch(fill)
        fill.set_clip_path(outline)
    ax.add_patch(Circle((x, y), radius, facecolor="none", edgecolor=edge, linewidth=3.5, zorder=4))
    if station.current:
        ax.add_patch(Circle((x, y), radius + 0.14, facecolor="none", edgecolor=ACCENT, linewidth=3.0, zorder=4))


def _level_for_area(share: float) -> float:
    """How high (0..1 of the diameter) water stands in a circle holding ``share`` of its area."""
    if share <= 0 or share >= 1:
        return min(max(share, 0.0), 1.0)
    low, high = 0.0, 1.0
    for _ in range(40):
        h = (low + high) / 2
        angle = 2 * math.acos(1 - 2 * h)  # the chord's central angle, for a unit-diameter circle
        area = (angle - math.sin(angle)) / (2 * math.pi)
        low, high = (h, high) if area < share else (low, h)
    return (low + high) / 2


def _wrapped_titles(titles: Sequence[str], width_px: float) -> tuple[int, list[str]]:
    """The largest title size at which every title wraps into two lines of its slot, and the
    wrapped titles. A title too long even at the smallest size does not shrink the others: it
    is cut to two lines with an ellipsis at the size that suits the rest."""

    def wrap(title: str, size: int, cut: bool = False) -> list[str]:
        chars = max(4, int(width_px / (CHAR_WIDTH * size * 100 / 72)))
        return textwrap.wrap(title, chars, max_lines=2 if cut else None, placeholder=" …") or [""]

    fitting = [t for t in titles if len(wrap(t, TITLE_SIZES[-1])) <= 2]
    size = next((s for s in TITLE_SIZES if all(len(wrap(t, s)) <= 2 for t in fitting)), TITLE_SIZES[-1])
    return size, ["\n".join(wrap(t, size, cut=True)) for t in titles]
