"""Latency of safety.assess over the safety test sets.

Run from the repository root:  python bench/bench_safety.py
Prints mean / p50 / p99 microseconds per message (one warm-up pass first; the
lexicon is compiled once at import, which is reported separately). A second
line takes, for each message, its best time over the runs, and the CPU time per
message: on a loaded machine the first line mostly measures pre-emption, the
second measures the detector. A last line times 4,000-character pathological
inputs (the best of 3 runs each). No text is printed.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "safety"
SETS = ["must_catch.csv", "distress.csv", "must_stay_quiet.csv", "held_out.csv", "held_out_2.csv",
        "held_out_3.csv", "held_out_4.csv", "held_out_5.csv", "dev_generalise.csv", "dev_2.csv", "dev_3.csv", "negation_contrast_set.csv", "xstest_false_alarm_probe.csv"]


def pathological() -> list[str]:
    """4,000-character inputs built to be slow: one long word, repeated cues, emoji, breaks, noise."""
    import random

    rng = random.Random(7)
    n = 4000
    pieces = [
        "a" * n,
        ("i " * n)[:n],
        ("kill " * n)[:n],
        ("not never no " * n)[:n],
        ("want to die but not " * n)[:n],
        ("\U0001F48A\U0001F52A" * n)[:n],
        ("\n" * n)[:n],
        ("!?.," * n)[:n],
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz *.!1234") for _ in range(n)),
        ("i'm so tired of everything, nobody would notice if i was gone. " * 80)[:n],
        ("s.u.i.c.i.d.e " * n)[:n],
    ]
    return pieces


def main() -> int:
    t0 = time.perf_counter()
    from safety import assess
    from safety.lexicon import load

    load("en")
    load_ms = (time.perf_counter() - t0) * 1000
    texts: list[str] = []
    for name in SETS:
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                texts += [r["text"] for r in csv.DictReader(fh)]
    for t in texts:
        assess(t)
    repeats = 5
    samples: list[float] = []
    best = [float("inf")] * len(texts)
    cpu0 = time.process_time()
    for _ in range(repeats):
        for i, t in enumerate(texts):
            start = time.perf_counter_ns()
            assess(t)
            us = (time.perf_counter_ns() - start) / 1000
            samples.append(us)
            best[i] = min(best[i], us)
    cpu_us = (time.process_time() - cpu0) / (repeats * len(texts)) * 1e6
    samples.sort()
    best.sort()

    def p(q: float) -> float:
        return samples[min(len(samples) - 1, int(q * len(samples)))]

    print(f"safety.assess: {len(texts)} messages x {repeats} runs (import + compile {load_ms:.0f} ms)")
    print(f"mean {statistics.fmean(samples):.0f} us | p50 {p(0.5):.0f} us | p99 {p(0.99):.0f} us | max {samples[-1]:.0f} us")

    def b(q: float) -> float:
        return best[min(len(best) - 1, int(q * len(best)))]

    print(f"best of {repeats} per message: p50 {b(0.5):.0f} us | p99 {b(0.99):.0f} us | max {best[-1]:.0f} us"
          f" | CPU {cpu_us:.0f} us per message")
    worst = []
    for text in pathological():
        assess(text)
        worst.append(min(_time_once(assess, text) for _ in range(3)))
    print(f"4,000-character pathological inputs ({len(worst)}): worst {max(worst):.2f} ms, median {statistics.median(worst):.2f} ms")
    return 0


def _time_once(fn: Callable[[str], object], text: str) -> float:
    start = time.perf_counter_ns()
    fn(text)
    return (time.perf_counter_ns() - start) / 1e6


if __name__ == "__main__":
    raise SystemExit(main())
