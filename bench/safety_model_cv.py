"""Cross-validate the safety model on its training data, to choose its thresholds.

    python bench/safety_model_cv.py [--folds 5]

Each hand-written row is scored by a model trained without it (folds by a hash
of the text, so the split is the same every run). The whole detector (rules,
then the learned layer) is then run on every row with those out-of-fold scores,
for each pair of thresholds, and the table shows what the issue judges: risky
rows missed, crisis rows at crisis, distress rows caught, quiet rows raised. The
thresholds in safety/model/layer.py come from this table; no frozen or
evaluation set is read.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from zlib import crc32

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import safety.detect as detect  # noqa: E402
import safety.model.layer as layer  # noqa: E402
from safety import Level, assess  # noqa: E402
from safety.model.classifier import Model, Scores  # noqa: E402
import numpy as np  # noqa: E402
from safety.train import BUCKETS, CLASSES, fit, read_rows  # noqa: E402

CRISIS = {"crisis_suicidal", "crisis_harm_from_others"}
CONCERN = {"passive_ideation", "self_harm"}
DISTRESS = {"distress", "abuse_disclosure"}


class _Lookup:
    """Stands in for the model: each text's out-of-fold scores."""

    def __init__(self, scores: dict[str, Scores]) -> None:
        self._scores = scores

    def scores(self, text: str) -> Scores:
        return self._scores[text]


def out_of_fold(folds: int) -> tuple[list[tuple[str, str]], dict[str, Scores]]:
    rows = read_rows()
    fold_of = [crc32(t.encode("utf-8")) % folds for t, _, _ in rows]
    scores: dict[str, Scores] = {}
    kept: list[tuple[str, str]] = []
    for k in range(folds):
        weights, bias = fit([r for r, f in zip(rows, fold_of) if f != k])
        model = Model(weights.astype(np.float16).tobytes(), tuple(bias.astype(np.float16).tolist()), CLASSES, BUCKETS)  # as shipped
        for (text, c, w), f in zip(rows, fold_of):
            if f == k and w >= 1.0 and text not in scores:
                scores[text] = model.scores(text)
                kept.append((text, CLASSES[c]))
    return kept, scores


def main(argv: list[str]) -> int:
    folds = int(argv[argv.index("--folds") + 1]) if "--folds" in argv else 5
    rows, scores = out_of_fold(folds)
    # Patch the model detect.py imported with the out-of-fold scores (a lookup, not a Model).
    detect.load_model = lambda: _Lookup(scores)  # type: ignore[attr-defined,assignment]
    n = {name: sum(1 for _, c in rows if c in group) for name, group in
         (("crisis", CRISIS), ("concern", CONCERN), ("distress", DISTRESS), ("none", {"none"}))}
    print(f"out-of-fold hand-written rows: {n}")
    print("| concern at | distress at | crisis at | danger missed | crisis exact | distress caught "
          "| quiet >= concern | quiet any level | concern rows at crisis | quiet at crisis |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = layer.THRESHOLDS
    grid = [(c, d, k) for c in (0.5, 0.6, 0.7, 1.01) for d in (0.7, 0.8, 1.01) for k in (1.01,)]
    grid += [(c, 0.8, k) for c in (0.5, 0.6, 0.7) for k in (0.5, 0.6, 0.7, 0.8, 0.9)]
    for concern, distress, crisis_at in grid:
        layer.THRESHOLDS = replace(base, concern=concern, distress=distress, crisis=crisis_at)
        levels = [(c, assess(t).level) for t, c in rows]
        danger = [lv for c, lv in levels if c in CRISIS | CONCERN]
        crisis = [lv for c, lv in levels if c in CRISIS]
        dist = [lv for c, lv in levels if c in DISTRESS]
        quiet = [lv for c, lv in levels if c == "none"]
        concern_rows = [lv for c, lv in levels if c in CONCERN]
        print(f"| {concern:.2f} | {distress:.2f} | {crisis_at:.2f} "
              f"| {sum(lv < Level.CONCERN for lv in danger) / len(danger):.1%} "
              f"| {sum(lv == Level.CRISIS for lv in crisis) / len(crisis):.1%} "
              f"| {sum(lv >= Level.DISTRESS for lv in dist) / len(dist):.1%} "
              f"| {sum(lv >= Level.CONCERN for lv in quiet) / len(quiet):.1%} "
              f"| {sum(lv > Level.NONE for lv in quiet) / len(quiet):.1%} "
              f"| {sum(lv == Level.CRISIS for lv in concern_rows) / len(concern_rows):.1%} "
              f"| {sum(lv == Level.CRISIS for lv in quiet) / len(quiet):.1%} |")
    print("(1.01 = the model never raises at that level: the rules alone)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
