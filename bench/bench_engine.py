"""The cost of one companion turn: engine step, safety check and the database transaction.

Runs a person through the grounding dialogue on a temporary SQLite file, many times, and
prints per-turn timings (milliseconds). Run: ``python bench/bench_engine.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain import Event, EventKind  # noqa: E402
from bot.storage import new_key  # noqa: E402

ROUNDS = 200


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp), encryption_key=new_key(), _env_file=None  # type: ignore[call-arg]  # a pydantic-settings option mypy cannot see
        )
        runtime = build(settings, migrate=True)
        companion = runtime.companion
        user = "console:bench"
        for _ in range(4):  # onboarding: welcome, what this is, age, consent
            buttons = companion.handle(Event(user, EventKind.OPEN)).replies[-1].buttons
            companion.handle(Event(user, EventKind.BUTTON, data=buttons[0].data))
        timings: dict[str, list[float]] = {"start dialogue": [], "button": [], "free text": []}
        for _ in range(ROUNDS):
            started = time.perf_counter()
            result = companion.handle(Event(user, EventKind.COMMAND, text="/start", args="safety_plan"))
            timings["start dialogue"].append(time.perf_counter() - started)
            started = time.perf_counter()
            result = companion.handle(Event(user, EventKind.BUTTON, data=result.replies[-1].buttons[0].data))
            timings["button"].append(time.perf_counter() - started)
            started = time.perf_counter()
            companion.handle(Event(user, EventKind.TEXT, text="When I stop answering messages from friends"))
            timings["free text"].append(time.perf_counter() - started)
        runtime.database.dispose()
    print(f"companion turns on SQLite ({ROUNDS} rounds), milliseconds per turn")
    print("| turn | mean | p50 | p95 |")
    print("|---|---:|---:|---:|")
    for name, values in timings.items():
        values.sort()
        ms = [v * 1000 for v in values]
        print(f"| {name} | {statistics.mean(ms):.2f} | {ms[len(ms) // 2]:.2f} | {ms[int(len(ms) * 0.95)]:.2f} |")


if __name__ == "__main__":
    main()
