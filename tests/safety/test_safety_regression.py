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
    assert recall >= 0.62  # measured 0.635
    assert false_alarm <= 0.045  # measured 0.036


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


def test_held_out_2_never_tuned():
    data = rows("held_out_2.csv")
    # Quiet rows must stay quiet; the rest is a floor, not a target to tune to.
    assert all(assess(r["text"]).level == Level.NONE for r in data if r["max_level"] == "none")
    assert sum(map(_in_band, data)) / len(data) >= 0.6  # measured 0.60
