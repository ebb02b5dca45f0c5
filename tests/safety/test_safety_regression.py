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
    assert recall >= 0.715  # measured 0.720 (0.635 before the generalisation work; unchanged by round 3)
    assert false_alarm <= 0.03  # measured 0.028 = 7/249 after round 3 (0.032 after round 2, 0.036 before)


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
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.71  # measured 41/57 = 0.72 after round 3 (37/57 after round 2, 35/57 after round 1, 20/57 before)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/31 after round 3 (1/31 before)
    assert sum(map(_in_band, data)) / len(data) >= 0.78  # measured 73/93 = 0.785 after round 3 (68/93 after round 2, 66/93 after round 1, 52/93 before)


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
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.73  # measured 41/56 = 0.73 after round 3 (38/56 after round 2, 34/56 before)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/37 after round 3 (1/37 after round 2, 4/37 before)
    assert sum(map(_in_band, data)) / len(data) >= 0.82  # measured 86/104 = 0.83 after round 3 (82/104 after round 2, 75/104 before)


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
    assert sum(lv >= Level.CONCERN for lv in risky) / len(risky) >= 0.68  # measured 41/60 = 0.683 (before 32/60)
    assert sum(lv > Level.NONE for lv in quiet) == 0  # measured 0/42 (before 5/42)
    assert sum(map(_in_band, data)) / len(data) >= 0.81  # measured 92/113 = 0.814 (before 77/113)
