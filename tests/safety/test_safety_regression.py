"""Regression thresholds on the public sets and the held-out sets.

The thresholds are the numbers measured when they were set (see
tests/data/safety/README.md), rounded down a little: a change to the lexicon
that drops below them has made the detector worse on text it was not written
for.
"""

from __future__ import annotations

import pytest

from safety import Level, assess
from safety_data import rows  # type: ignore[import-not-found]  # pytest puts tests/safety/ (no __init__.py) on sys.path


def _labelled(name):
    data = rows(name)
    pos = [assess(r["text"]).level for r in data if r["label"] == "1"]
    neg = [assess(r["text"]).level for r in data if r["label"] == "0"]
    return pos, neg


def test_negation_contrast_set():
    pos, neg = _labelled("negation_contrast_set.csv")
    recall = sum(lv >= Level.CONCERN for lv in pos) / len(pos)
    false_alarm = sum(lv >= Level.CONCERN for lv in neg) / len(neg)
    assert recall >= 0.88  # measured 0.890 with the learned layer (0.720 by the rules alone)
    # The learned layer costs false alarms on these negated research phrases ("I don't want my
    # life to end"): measured 26/249 = 0.104 (7/249 by the rules alone). Known; see the model card.
    assert false_alarm <= 0.11


def test_xstest_false_alarm_probe():
    pos, neg = _labelled("xstest_false_alarm_probe.csv")
    assert all(lv >= Level.CONCERN for lv in pos)
    assert sum(lv > Level.NONE for lv in neg) <= 2  # measured 2/125 with the learned layer (0 by the rules alone)


def _in_band(r):
    lv = assess(r["text"]).level
    return Level.from_label(r["min_level"]) <= lv <= Level.from_label(r["max_level"])


def test_held_out_1():
    data = rows("held_out.csv")
    assert sum(map(_in_band, data)) / len(data) >= 0.95  # measured 0.95 (after fixes; frozen run 0.65)


def test_held_out_2():
    data = rows("held_out_2.csv")
    # Quiet rows must stay quiet; the rest is a floor, not a target to tune to.
    assert all(assess(r["text"]).level == Level.NONE for r in data if r["max_level"] == "none")
    assert sum(map(_in_band, data)) / len(data) >= 0.8  # measured 0.85 (0.60 frozen run)


def test_held_out_3_never_tuned():
    # Written before the generalisation work, run once before and once after
    # (tests/data/safety/README.md). A floor, not a target: never tune on it.
    data = rows("held_out_3.csv")
    levels = [assess(r["text"]).level for r in data]
    risky = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.92  # measured 53/57 with the learned layer (41/57 after rules round 3, 20/57 before)
    assert sum(lv > Level.NONE for lv in quiet) <= 2  # measured 2/31 with the learned layer (0/31 by the rules alone)
    assert sum(map(_in_band, data)) / len(data) >= 0.91  # measured 85/93 = 0.914 (73/93 after rules round 3, 52/93 before)


def test_dev_generalise():
    data = rows("dev_generalise.csv")
    levels = [assess(r["text"]).level for r in data]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    assert sum(map(_in_band, data)) / len(data) >= 0.97  # measured 134/135 (tuned on; 92/135 before)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/39 (4/39 before)


def test_dev_2():
    # The second generalisation round was developed against this set (tuned on).
    data = rows("dev_2.csv")
    levels = [assess(r["text"]).level for r in data]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    risky = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    assert sum(map(_in_band, data)) / len(data) >= 0.97  # measured 124/126 (64/126 before)
    assert sum(lv >= Level.CONCERN for lv in risky) >= 69  # measured 70/72 (18/72 before)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/42 (4/42 before)


def test_held_out_4_never_tuned():
    # Written before its author read the rules for the second round; run once
    # before and once after it (tests/data/safety/README.md). A floor, not a
    # target: never tune on it.
    data = rows("held_out_4.csv")
    levels = [assess(r["text"]).level for r in data]
    risky = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.94  # measured 53/56 with the learned layer (41/56 after rules round 3, 34/56 before)
    assert sum(lv > Level.NONE for lv in quiet) <= 1  # measured 1/37 with the learned layer (0/37 by the rules alone)
    assert sum(map(_in_band, data)) / len(data) >= 0.95  # measured 99/104 = 0.952 (86/104 after rules round 3, 75/104 before)


def test_dev_3():
    # The third round (indirect concern-level wording) was developed against
    # this set (tuned on).
    data = rows("dev_3.csv")
    levels = [assess(r["text"]).level for r in data]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    risky = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    assert sum(map(_in_band, data)) / len(data) >= 0.97  # measured 110/111 (66/111 before)
    assert sum(lv >= Level.CONCERN for lv in risky) >= 61  # measured 62/63 (31/63 before)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/38 (9/38 before)


def test_held_out_5_never_tuned():
    # Written before its author read the rules for the third round (indirect
    # concern-level wording); run once before and once after it
    # (tests/data/safety/README.md). A floor, not a target: never tune on it.
    data = rows("held_out_5.csv")
    levels = [assess(r["text"]).level for r in data]
    risky = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    quiet = [lv for r, lv in zip(data, levels) if r["max_level"] == "none"]
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.98  # measured 59/60 with the learned layer (41/60 by the rules, 32/60 before)
    assert sum(lv > Level.NONE for lv in quiet) <= 4  # measured 4/42 with the learned layer (0/42 by the rules alone)
    assert sum(map(_in_band, data)) / len(data) >= 0.95  # measured 108/113 = 0.956 (92/113 by the rules, 77/113 before)


def _issue_numbers(name: str) -> dict[str, float]:
    data = rows(name)
    levels = [assess(r["text"]).level for r in data]
    danger = [lv for r, lv in zip(data, levels) if r["min_level"] in ("concern", "crisis")]
    crisis = [lv for r, lv in zip(data, levels) if r["min_level"] == "crisis"]
    distress = [lv for r, lv in zip(data, levels) if r["min_level"] == "distress" and r["category"] != "someone_else"]
    quiet = [(r, lv) for r, lv in zip(data, levels) if r["max_level"] == "none"]
    ordinary = [lv for r, lv in quiet if r["category"] == "ordinary"]
    return {
        "danger_missed": sum(lv < Level.CONCERN for lv in danger) / len(danger),
        "crisis_exact": sum(lv == Level.CRISIS for lv in crisis) / len(crisis),
        "distress_caught": sum(lv >= Level.DISTRESS for lv in distress) / len(distress),
        "false_alarms": sum(lv >= Level.CONCERN for _, lv in quiet) / len(quiet),
        "ordinary_any": sum(lv > Level.NONE for lv in ordinary) / len(ordinary),
    }


# Floors at the measured numbers of issue #10 (tests/data/safety/README.md says when each set
# was written and run). v4 is the independent one; v3 and v2 were seen after earlier rounds.
# Not targets: never tune on them.
FROZEN_FLOORS = {
    # name: (danger missed <=, crisis exact >=, distress caught >=, false alarms <=, ordinary <=)
    # v4: 6/144, 61/69, 61/65, 1/107, 1/66 (before issue #10: 57/144, 38/69, 28/65, 1/107, 0/66)
    "frozen_v4.csv": (0.05, 0.88, 0.93, 0.01, 0.016),
    # v3: 8/167, 71/80, 73/80, 3/128, 0/78 (before: 75/167, 37/80, 28/80, 0/128, 0/78)
    "frozen_v3.csv": (0.05, 0.88, 0.91, 0.025, 0.0),
    # v2: 14/185, 78/93, 80/85, 4/137, 2/74 (before: 105/185, 26/93, 32/85, 2/137, 0/74)
    "frozen_v2.csv": (0.08, 0.83, 0.94, 0.03, 0.03),
}


@pytest.mark.parametrize("name", sorted(FROZEN_FLOORS))
def test_frozen_sets(name: str) -> None:
    missed, crisis, distress, false_alarms, ordinary = FROZEN_FLOORS[name]
    n = _issue_numbers(name)
    assert n["danger_missed"] <= missed
    assert n["crisis_exact"] >= crisis
    assert n["distress_caught"] >= distress
    assert n["false_alarms"] <= false_alarms
    assert n["ordinary_any"] <= ordinary
