"""Build the public part of the training data from the shared, openly licensed sets.

Run once by a maintainer (the outputs are committed, so training needs nothing
outside the repository):

    python safety/train_data/prepare_public.py [--shared ../shared/data/safety]

Outputs (text,label), each described in README.md beside this file:
  goemotions.csv              GoEmotions train split (CC BY 4.0): fear, nervousness,
                              grief, sadness, remorse -> distress; joy, amusement,
                              neutral and the other emotions -> none. Rows that speak
                              of dying or killing oneself are dropped (their labels
                              say nothing about risk).
  construct_tracker_train.csv the construct-tracker negation contrast set (Apache-2.0),
                              its *train* split only (the test split stays an
                              evaluation set): 1 -> passive_ideation, 0 -> none.
Selection is deterministic: file order, with a fixed cap per label.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DISTRESS_EMOTIONS = {14, 16, 19, 24, 25}  # fear, grief, nervousness, remorse, sadness
DROP_EMOTIONS = {9, 12}  # disappointment, embarrassment: too mixed to call either way
RISK_WORDS = re.compile(r"\b(die|dying|dead|kill|suicid\w*|kms|self.?harm|cut(ting)? myself|end it|overdose)\b", re.I)
CAP_NONE = 7000
CAP_DISTRESS = 3500


def _write(name: str, rows: list[tuple[str, str]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def goemotions(shared: Path) -> None:
    none: list[tuple[str, str]] = []
    distress: list[tuple[str, str]] = []
    with (shared / "public" / "goemotions" / "train.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, labels, _ = line.rstrip("\n").split("\t")
            ids = {int(x) for x in labels.split(",")}
            if RISK_WORDS.search(text) or ids & DROP_EMOTIONS or "[NAME]" in text and len(text) < 25:
                continue
            if ids & DISTRESS_EMOTIONS:
                if len(distress) < CAP_DISTRESS:
                    distress.append((text, "distress"))
            elif len(none) < CAP_NONE:
                none.append((text, "none"))
    _write("goemotions.csv", distress + none)


def construct_tracker(shared: Path) -> None:
    rows: list[tuple[str, str]] = []
    with (shared / "negation_contrast_set.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["split"] == "train":
                rows.append((r["text"], "passive_ideation" if r["label"] == "1" else "none"))
    _write("construct_tracker_train.csv", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared" / "data" / "safety")
    args = parser.parse_args()
    goemotions(args.shared)
    construct_tracker(args.shared)


if __name__ == "__main__":
    main()
