"""Regression thresholds on the public sets and the held-out sets.

The thresholds are the numbers measured when they were set (see
tests/data/safety/README.md), rounded down a little: a change to the lexicon
that drops below them has made the detector worse on text it was not written
for.
"""

from __future__ import annotations

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


def test_frozen_v4_never_tuned() -> None:
    # Written from SAFETY.md alone before the third model round; run once after it
    # (tests/data/safety/README.md). Floors, not targets: never tune on it.
    n = _issue_numbers("frozen_v4.csv")
    assert n["danger_missed"] <= 0.05  # measured 6/144 = 0.042 (57/144 = 0.396 before issue #10)
    assert n["crisis_exact"] >= 0.88  # measured 61/69 = 0.884 (38/69 before)
    assert n["distress_caught"] >= 0.93  # measured 61/65 = 0.938 (28/65 before)
    assert n["false_alarms"] <= 0.01  # measured 1/107 = 0.009 (1/107 before)
    assert n["ordinary_any"] <= 0.016  # measured 1/66 = 0.015 (0/66 before)


def test_frozen_v3() -> None:
    # Written from SAFETY.md alone before the second model round; its totals were seen after
    # that round, so it is no longer independent (tests/data/safety/README.md).
    n = _issue_numbers("frozen_v3.csv")
    assert n["danger_missed"] <= 0.05  # measured 8/167 = 0.048 (75/167 = 0.449 before issue #10)
    assert n["crisis_exact"] >= 0.88  # measured 71/80 = 0.888 (37/80 before)
    assert n["distress_caught"] >= 0.91  # measured 73/80 = 0.912 (28/80 before)
    assert n["false_alarms"] <= 0.025  # measured 3/128 = 0.023 (0/128 before)
    assert n["ordinary_any"] <= 0.0  # measured 0/78


def test_frozen_v2() -> None:
    # Written from SAFETY.md alone before any rule of issue #10 changed; seen after the first
    # model round, so no longer independent (tests/data/safety/README.md).
    n = _issue_numbers("frozen_v2.csv")
    assert n["danger_missed"] <= 0.08  # measured 14/185 = 0.076 (105/185 = 0.568 before issue #10)
    assert n["crisis_exact"] >= 0.83  # measured 78/93 = 0.839 (26/93 before)
    assert n["distress_caught"] >= 0.94  # measured 80/85 = 0.941 (32/85 before)
    assert n["false_alarms"] <= 0.03  # measured 4/137 = 0.029 (2/137 before)
    assert n["ordinary_any"] <= 0.03  # measured 2/74 = 0.027 (0/74 before)
