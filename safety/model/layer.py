"""How the model's scores may change the rules' level: the clinical decision, in one place.

1. The model never lowers a level, and never acts where the rules already found
   concern or crisis.
2. A rule scope vetoes it: when the rules saw a risk phrase and cancelled it
   (negated, in the past, about someone else, fiction, a figure of speech), the
   model cannot raise that message ("I don't want to die", "I used to cut").
3. Risk (the probability of the person's own suicidal, self-harm or danger
   classes) >= `concern` -> concern: the companion asks directly, so a false
   raise costs one kind question.
4. A model concern reaches crisis only with crisis evidence: either evidence
   the rules found (a plan, a means, a preparation or farewell; a time such as
   "tonight" only when the model reads intent or danger, not for self-harm urges
   or a passive wish: "i want to cut today" stays concern), or the model's own
   crisis classes (intent, plans described by the act, means at hand, acts
   under way, danger from someone now: what those classes were trained on)
   holding at least `crisis` of the probability. Cross-validation chose this:
   with rule evidence alone 63% of crisis rows reached crisis; with the crisis
   classes at 0.5, 85%, while concern rows sent to crisis rose only from 9.0%
   to 9.3% (see `python bench/safety_model_cv.py`).
5. Distress (risk plus distress and abuse-disclosure classes) >= `distress` ->
   distress (grounding is offered, never forced).
6. Someone else at risk, with no risk of one's own -> distress, category
   someone_else_at_risk.
7. Inside an exercise (`answering`), where describing feelings, memories and
   the inner critic's words is the task, the model needs `concern_answering`
   to raise concern and never raises to distress alone (the rules still do).
Every raise names the model and its score in the categories' explanation
(`reason`), so `innerchild safety scan` shows why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..levels import Level
from .classifier import DISTRESS_CLASSES, RISK_CLASSES, Scores

CRISIS_CLASSES = ("crisis_suicidal", "crisis_harm_from_others")
CRISIS_EVIDENCE = frozenset({"plan", "means", "farewell"})

CATEGORY_OF_CLASS = {
    "passive_ideation": "passive_ideation",
    "self_harm": "self_harm",
    "crisis_suicidal": "suicidal_intent",
    "crisis_harm_from_others": "harm_from_others",
    "distress": "distress",
    "abuse_disclosure": "abuse_disclosure",
    "someone_else": "someone_else_at_risk",
}


@dataclass(frozen=True)
class Thresholds:
    """Chosen by cross-validation on the training data (`python bench/safety_model_cv.py`), never on a frozen set."""

    concern: float = 0.5
    distress: float = 0.7
    someone_else: float = 0.6
    crisis: float = 0.5
    # Inside an exercise (`assess(answering=True)`) the person is asked about feelings,
    # memories and their inner critic: the model needs more before it interrupts.
    concern_answering: float = 0.8


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Raise:
    """What the model adds: the new level, its category and a readable reason."""

    level: Level
    category: str
    reason: str


def decide(
    rule_level: Level,
    scores: Scores,
    *,
    vetoed: bool,
    evidence: frozenset[str] = frozenset(),
    thresholds: Thresholds | None = None,
    answering: bool = False,
) -> Raise | None:
    """The model's raise over `rule_level`, or None when it adds nothing (see the module rules).

    `evidence`: the crisis evidence the rules found, as roles: "time", "plan", "means", "farewell".
    """
    if rule_level >= Level.CONCERN or vetoed:
        return None
    thresholds = thresholds or THRESHOLDS
    risk = scores.risk
    if risk >= (thresholds.concern_answering if answering else thresholds.concern):
        cls = scores.top(RISK_CLASSES)
        crisis = bool(evidence & CRISIS_EVIDENCE) or ("time" in evidence and cls in CRISIS_CLASSES) \
            or sum(scores.probs.get(c, 0.0) for c in CRISIS_CLASSES) >= thresholds.crisis
        return Raise(Level.CRISIS if crisis else Level.CONCERN, CATEGORY_OF_CLASS[cls], f"model.risk@{risk:.2f}")
    if rule_level >= Level.DISTRESS or answering:
        return None  # inside an exercise the model raises only to concern or crisis
    if scores.distress >= thresholds.distress:
        cls = scores.top(DISTRESS_CLASSES + RISK_CLASSES)
        return Raise(Level.DISTRESS, CATEGORY_OF_CLASS[cls], f"model.distress@{scores.distress:.2f}")
    other = scores.probs.get("someone_else", 0.0)
    if other >= thresholds.someone_else:
        return Raise(Level.DISTRESS, "someone_else_at_risk", f"model.someone_else@{other:.2f}")
    return None
