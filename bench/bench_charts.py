"""The cost of drawing the pictures of /mood and /progress (the issue's budget: 300 ms a chart).

Times the first draw in a process that has already loaded what the bot loads at start-up
(``bot.app`` and the safety model, so numpy is there): it includes importing matplotlib, which
the bot does only then, once per process. Then the median of repeated draws: the four-week chart with 10 answers, the twelve-week
chart with 90 answers (some days have two), and the path picture. Prints milliseconds.
Run: ``python bench/bench_charts.py``.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import app  # noqa: E402, F401 - what a running bot has loaded before its first chart
from bot.progress.mood_chart import ChartWords, mood_chart  # noqa: E402
from bot.progress.path_picture import Station, path_picture  # noqa: E402
from bot.progress.series import DayMood, daily_moods  # noqa: E402

ROUNDS = 20
BUDGET_MS = 300.0
TODAY = date(2026, 3, 14)
WORDS = ChartWords(levels=("really low", "low", "okay", "good", "really good"), no_answers="Your moods will show here.")
STATIONS = [Station("Arriving", 3, 3), Station("Safety and noticing", 4, 4), Station("Making contact", 2, 5, current=True),
            Station("Reparenting and grief", 0, 6), Station("Integration", 0, 3)]


def window(count: int, span: int) -> list[DayMood]:
    """``count`` answers spread over the last ``span`` days (a second answer on some days
    once every day has one), as the chart gets them."""
    rng = random.Random(15)
    end = datetime(2026, 3, 14, 19, tzinfo=UTC)
    days = rng.sample(range(span), min(count, span)) + rng.sample(range(span), max(0, count - span))
    answers = [(end - timedelta(days=d, minutes=rng.randrange(120)), rng.randint(1, 5)) for d in days]
    return daily_moods(answers, "Europe/Berlin", TODAY, span)


def timed(draw: Callable[[], bytes]) -> float:
    started = time.perf_counter()
    draw()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from safety import model

    model.load()  # as the bot does at start-up
    four_weeks, twelve_weeks = window(10, 28), window(90, 84)
    cases: dict[str, Callable[[], bytes]] = {
        "chart, 28 days, 10 answers": lambda: mood_chart(four_weeks, WORDS),
        "chart, 84 days, 90 answers": lambda: mood_chart(twelve_weeks, WORDS),
        "path picture, 5 stations": lambda: path_picture(STATIONS),
    }
    loaded = "matplotlib" in sys.modules
    first = timed(cases["chart, 28 days, 10 answers"])
    rows = [(f"first chart in a process ({'matplotlib already loaded' if loaded else 'drawing + the one-time matplotlib import'})", first)]
    for name, draw in cases.items():
        rows.append((f"{name} (median of {ROUNDS})", statistics.median(timed(draw) for _ in range(ROUNDS))))
    print(f"drawing the pictures, milliseconds (budget {BUDGET_MS:.0f} ms)")
    print("| draw | ms | within budget |")
    print("|---|---:|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} | {'yes' if ms <= BUDGET_MS else 'no'} |")


if __name__ == "__main__":
    main()
