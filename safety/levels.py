"""Levels, the result types, and how signals combine into one level.

Why a separate module: the mapping from signals to what the companion does is
a clinical decision. Keeping it in one small place, with the rules written out
below, lets it be reviewed without reading the matcher.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Sequence


class Level(enum.IntEnum):
    NONE = 0
    DISTRESS = 1
    CONCERN = 2
    CRISIS = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> "Level":
        return cls[label.strip().upper()]


@dataclass(frozen=True)
class Match:
    """One rule that fired: where (offsets into the original text), never what."""

    category: str
    rule_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Assessment:
    level: Level
    categories: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()

    @property
    def label(self) -> str:
        return self.level.label


NONE = Assessment(Level.NONE)

# ---------------------------------------------------------------------------
# Combining signals inside one message
# ---------------------------------------------------------------------------
# 1. The level is the highest level of any signal that survived the scopes
#    (negation, idiom, past, other person).
# 2. A self-risk signal at concern + a time ("tonight"), a plan ("I've decided")
#    or a means (pills, a knife emoji) -> crisis. Distress + a means -> concern.
# 2b. A preparation (farewell at concern: "i gave my things away", "my
#    affairs are sorted") or a means held or kept (rules marked
#    crisis_with_other_risk: "holding my knife") next to another
#    concern-level self-risk signal -> crisis.
# 3. Two weak farewells ("sorry for everything" + "goodbye"), or one next to a
#    concern-level self-risk -> crisis, category "farewell".
# 2a. A rule may narrow which amplifiers raise it (`boost_by` in its YAML):
#    self-harm urges are raised by a plan or a means, not by a time alone
#    ("i want to cut today" stays concern; "i'm cutting right now" is an act
#    under way and is crisis by its own rule).
# 3a. A means and a plan together, even without words of intent ("i've got
#    the rope, the chair is ready") -> crisis.
# 4. Danger from someone else (harm_from_others) at concern + a time
#    ("tonight", "right now") -> crisis.
#    Categories of danger from others: harm_from_others (happening now or
#    threatened: crisis, or concern without a time) and abuse_disclosure
#    (past abuse told: distress). A disclosure with a recent marker ("he hit
#    me again last night") is harm_from_others; harm told as the past is a
#    disclosure.
# 5. A joking marker ("lol", laughing emoji) next to a crisis phrase that is
#    often used as hyperbole ("kms lol") -> concern, when nothing in 2-4 applies.
#    Never lower than concern: the companion still asks directly.
SELF_RISK = frozenset({"suicidal_intent", "passive_ideation", "self_harm", "method_seeking", "farewell"})
AMPLIFIER_ROLES = frozenset({"time", "plan", "means"})
HARM_FROM_OTHERS_CATEGORIES = frozenset({"harm_from_others", "abuse_disclosure"})

# ---------------------------------------------------------------------------
# Escalation across messages (`recent` holds the person's previous
# assessments, newest last; only levels are used, never text)
# ---------------------------------------------------------------------------
# E1. The current message is at least distress and, counting it, 3 of the last
#     5 messages were at least distress -> at least concern.
# E2. The current message is at least distress and one of the 3 previous
#     messages was concern or crisis -> at least concern ("concern after
#     concern stays concern").
# E3. The current message is concern and one of the 3 previous messages was
#     crisis -> crisis.
# E4. The current message carries only an amplifier or a weak farewell ("it's
#     tonight", "goodbye", a pill emoji) and one of the last 5 messages was
#     concern or crisis -> crisis (a plan or farewell after ideation).
# A message with no signal at all stays none: ordinary talk is never alarmed
# because of what came before; the app keeps watching.
ESCALATION_WINDOW = 5
ESCALATION_DISTRESS_COUNT = 3
ESCALATION_RECENT_CONCERN = 3


def escalate(
    level: Level, categories: list[str], has_amplifier: bool, recent: Sequence[Assessment]
) -> Level:
    """Apply E1-E4 and return the new level; adds "escalation" to categories."""
    return escalate_with_reason(level, categories, has_amplifier, recent)[0]


def escalate_with_reason(
    level: Level, categories: list[str], has_amplifier: bool, recent: Sequence[Assessment]
) -> tuple[Level, str | None]:
    """escalate(), also naming the rule that raised the level ("escalation.E2"),
    so that every raise is explained by a rule id."""
    window = [Level(a.level) for a in list(recent)[-(ESCALATION_WINDOW - 1) :]]
    last3 = [Level(a.level) for a in list(recent)[-ESCALATION_RECENT_CONCERN:]]
    new = level
    reason = None
    if level >= Level.DISTRESS:
        if sum(1 for lv in window if lv >= Level.DISTRESS) + 1 >= ESCALATION_DISTRESS_COUNT and new < Level.CONCERN:
            new, reason = Level.CONCERN, "escalation.E1"
        if any(lv >= Level.CONCERN for lv in last3) and new < Level.CONCERN:
            new, reason = Level.CONCERN, "escalation.E2"
        if level >= Level.CONCERN and any(lv == Level.CRISIS for lv in last3) and new < Level.CRISIS:
            new, reason = Level.CRISIS, "escalation.E3"
    if has_amplifier and any(lv >= Level.CONCERN for lv in window) and new < Level.CRISIS:
        new, reason = Level.CRISIS, "escalation.E4"
    if new != level:
        categories.append("escalation")
    return new, reason


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))
