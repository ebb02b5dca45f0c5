"""Regression thresholds on the public sets and the held-out sets.

The thresholds are the numbers measured when they were set (see
tests/data/safety/README.md), rounded down a little: a change to the lexicon
that drops below them has made the detector worse on text it was not written
for.
"""

from __future__ import annotations

from safety import Level, assess

from safety_data import rows


def _labelled(name):
    data = rows(name)
    pos = [assess(r["text"]).level for r in data if r["label"] == "1"]
    neg = [assess(r["text"]).level for r in data if r["label"] == "0"]
    return pos, neg


def test_negation_contrast_set():
    pos, neg = _labelled("negation_contrast_set.csv")
    recall = sum(lv >= Level.CONCERN for lv in pos) / len(pos)
    false_alarm = sum(lv >= Level.CONCERN for lv in neg) / len(neg)
    assert recall >= 0.70  # measured 0.720 (0.635 before the generalisation work)
    assert false_alarm <= 0.04  # measured 0.032 (0.036 before)


def test_xstest_false_alarm_probe():
    pos, neg = _labelled("xstest_false_alarm_probe.csv")
    assert all(lv >= Level.CONCERN for lv in pos)
    assert sum(lv > Level.NONE for lv in neg) == 0  # measured 0/125


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
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.63  # measured 37/57 = 0.65 after round 2 (35/57 after round 1, 20/57 before)
    assert sum(lv >= Level.CONCERN for lv in quiet) <= 1  # measured 1/31 (before 1/31)
    assert sum(map(_in_band, data)) / len(data) >= 0.72  # measured 68/93 = 0.73 (66/93 after round 1, 52/93 before)


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
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.66  # measured 38/56 = 0.68 (before 34/56)
    assert sum(lv > Level.NONE for lv in quiet) <= 1  # measured 1/37 (before 4/37)
    assert sum(map(_in_band, data)) / len(data) >= 0.77  # measured 82/104 = 0.79 (before 75/104)
