"""The path picture: a real PNG of the right size, fills that follow the steps done, a ring on
the current station, long titles wrapped, the same bytes twice, and no red or green."""

from __future__ import annotations

import pytest

from bot.progress.palette import ACCENT, ACCENT_SOFT
from bot.progress.path_picture import TITLE_SIZES, Station, _level_for_area, _wrapped_titles, path_picture
from tests.progress.png_checks import assert_a_picture, near, rgb

SIZE = (1200, 500)
DRAWN = (0, 50, 1200, 450)
TITLES = ["Arriving", "Safety and noticing", "Making contact", "Reparenting and grief", "Integration"]


def stations(done: list[int], current: int | None = None, total: int = 4, titles: list[str] = TITLES) -> list[Station]:
    return [Station(t, d, total, i == current) for i, (t, d) in enumerate(zip(titles, done))]


def column(i: int, count: int = 5) -> tuple[int, int, int, int]:
    """The strip of the picture around station ``i``'s circle (above the titles)."""
    slot = 1200 // count
    return (slot * i + slot // 6, 60, slot * (i + 1) - slot // 6, 300)


CASES = {
    "all done": stations([4, 4, 4, 4, 4]),
    "none done": stations([0, 0, 0, 0, 0], current=0),
    "current in the middle": stations([4, 4, 2, 0, 0], current=2),
    "a long title": stations([1, 0, 0, 0], current=0, titles=["Arriving", "A very long title that goes on and on about safety and noticing the body", "Making contact", "Integration"]),
    "six stations": stations([4, 3, 1, 0, 0, 0], current=1, titles=TITLES + ["Going on"]),
    "no steps yet": [Station(t, 0, 0) for t in TITLES[:4]],
}


@pytest.mark.parametrize("name", CASES)
def test_the_picture_is_a_png_of_the_size(name) -> None:
    png = path_picture(CASES[name])
    assert_a_picture(png, SIZE, DRAWN)
    assert png == path_picture(CASES[name])


def test_the_fill_follows_the_steps_done() -> None:
    fills = [near(rgb(path_picture(stations(done))), ACCENT_SOFT, (0, 60, 1200, 300), tolerance=6) for done in ([0] * 5, [4, 4, 2, 0, 0], [4] * 5)]
    assert fills[0] < fills[1] < fills[2]
    middle = rgb(path_picture(stations([4, 4, 2, 0, 0], current=2)))
    full, half, empty = (near(middle, ACCENT_SOFT, column(i), tolerance=6) for i in (0, 2, 4))
    assert full > half > empty


def test_the_current_station_wears_a_ring() -> None:
    plain = rgb(path_picture(stations([4, 4, 2, 0, 0])))
    marked = rgb(path_picture(stations([4, 4, 2, 0, 0], current=2)))
    assert near(marked, ACCENT, column(2)) > near(plain, ACCENT, column(2)) + 300
    assert near(marked, ACCENT, column(0)) == near(plain, ACCENT, column(0))


def test_a_long_title_wraps_to_two_lines_and_does_not_shrink_the_others() -> None:
    size, wrapped = _wrapped_titles(["Arriving", "A very long title that goes on and on about safety and noticing the body"], 276)
    assert size == TITLE_SIZES[0]
    assert wrapped[0] == "Arriving"
    assert wrapped[1].count("\n") == 1 and wrapped[1].endswith("…")
    size, wrapped = _wrapped_titles(TITLES, 220)
    assert size == TITLE_SIZES[0]
    assert all(t.count("\n") <= 1 for t in wrapped)
    assert "Safety and\nnoticing" in wrapped


@pytest.mark.parametrize("share,level", [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0), (0.25, 0.298), (0.75, 0.702)])
def test_the_fill_height_holds_the_share_of_the_area(share, level) -> None:
    assert _level_for_area(share) == pytest.approx(level, abs=0.001)
