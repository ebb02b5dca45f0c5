"""Which support card answers an assessment: one card per situation (SAFETY.md).

Why a table of its own: the level says how urgent, the categories say what is happening,
and the answer must fit both. Someone threatened by their partner needs the police and a
domestic-violence line, not "if you might act on these thoughts"; someone who hurts
themselves needs wound care and distance from means, not only a question about suicide;
someone telling of past abuse needs "that was not your fault". Suicidal words always win:
when they are there, the suicide cards answer, whatever else the message says.
"""

from __future__ import annotations

from dataclasses import dataclass

import safety

from .dialogues import CONCERN, CRISIS, DANGER, DISCLOSURE, DISTRESS, SELF_HARM

# Categories that speak of one's own wish to die (the detector's and the learned layer's).
SUICIDAL = frozenset({"suicidal_intent", "passive_ideation", "method_seeking", "farewell"})
URGENT_STEP = "urgent"  # where the self-harm card begins when harm is under way


@dataclass(frozen=True)
class Card:
    """A support dialogue, and the step to show first (None: its start)."""

    dialogue: str
    at_step: str | None = None


def card_for(assessment: safety.Assessment) -> Card | None:
    """The card for an assessment; None for an ordinary message."""
    level, categories = assessment.level, set(assessment.categories)
    suicidal = bool(categories & SUICIDAL)
    if level == safety.Level.CRISIS:
        if not suicidal and "harm_from_others" in categories:
            return Card(DANGER)
        if not suicidal and "self_harm" in categories:
            return Card(SELF_HARM, URGENT_STEP)
        return Card(CRISIS)
    if level == safety.Level.CONCERN:
        if not suicidal and "harm_from_others" in categories:
            return Card(DANGER)
        if not suicidal and "self_harm" in categories:
            return Card(SELF_HARM)
        return Card(CONCERN)
    if level == safety.Level.DISTRESS:
        if "abuse_disclosure" in categories:
            return Card(DISCLOSURE)
        return Card(DISTRESS)
    return None
