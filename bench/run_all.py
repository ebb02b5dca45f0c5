"""Run every benchmark; the numbers quoted in the README come from here (`make bench`)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_safety.py", "safety_eval.py", "bench_engine.py", "bench_checkins.py", "bench_charts.py", "bench_startup.py", "bench_tail.py", "bench_turns.py", "bench_floor.py"]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    for name in BENCHES:
        path = HERE / name
        if path.exists():
            print(f"\n## {name}\n", flush=True)
            runpy.run_path(str(path), run_name="__main__")
