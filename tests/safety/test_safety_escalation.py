"""Escalation across messages (rules E1-E4 in safety/levels.py)."""

from __future__ import annotations

from safety import Assessment, Level, assess as assess_full

# These tests pin the rules. The learned layer on top is measured as a whole
# (tests/safety/test_model.py, test_safety_regression.py, bench/safety_eval.py).
def assess(text: str, **kwargs: object) -> Assessment:
    return assess_full(text, learned=False, **kwargs)

D = Assessment(Level.DISTRESS, ("overwhelm",))
C = Assessment(Level.CONCERN, ("passive_ideation",))
X = Assessment(Level.CRISIS, ("suicidal_intent",))
N = Assessment(Level.NONE)

DISTRESS_TEXT = "everything is too much"


def test_single_distress_stays_distress():
    assert assess(DISTRESS_TEXT).level == Level.DISTRESS
    assert assess(DISTRESS_TEXT, recent=[N, N, D]).level == Level.DISTRESS


def test_three_distress_in_a_row_is_concern():
    a = assess(DISTRESS_TEXT, recent=[D, D])
    assert a.level == Level.CONCERN
    assert "escalation" in a.categories
    assert assess(DISTRESS_TEXT, recent=[D, N, D, N]).level == Level.CONCERN


def test_old_distress_outside_window_does_not_count():
    assert assess(DISTRESS_TEXT, recent=[D, D, N, N, N, N]).level == Level.DISTRESS


def test_distress_after_concern_stays_concern():
    assert assess(DISTRESS_TEXT, recent=[C]).level == Level.CONCERN
    assert assess("i don't want to be here anymore", recent=[C]).level >= Level.CONCERN


def test_concern_after_crisis_is_crisis():
    assert assess("i don't want to be here anymore", recent=[X, N]).level == Level.CRISIS


def test_plan_or_farewell_after_concern_is_crisis():
    assert assess("tonight", recent=[C]).level == Level.CRISIS
    assert assess("goodbye", recent=[N, C, N]).level == Level.CRISIS
    assert assess("goodbye").level == Level.NONE


def test_ordinary_message_is_never_raised_by_history():
    assert assess("thanks, that helped a bit", recent=[X, X, X]).level == Level.NONE


def test_recent_accepts_level_only_assessments():
    assert assess(DISTRESS_TEXT, recent=(Assessment(Level.DISTRESS), Assessment(Level.DISTRESS))).level == Level.CONCERN
