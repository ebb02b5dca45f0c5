"""The dialogues the core itself knows by id; every other one is the operator's to name."""

from __future__ import annotations

import safety

ONBOARDING = "onboarding"
RECONSENT = "reconsent"
YOUTH = "youth"
SOS = "sos"
GROUNDING = "grounding"
SAFETY_PLAN = "safety_plan"

# The support cards (bot/core/cards.py chooses one), each with the level it answers: a
# message steps in over a card only when it calls for more than that.
CRISIS = "crisis"  # suicidal crisis
CONCERN = "concern"  # the direct question about thoughts of ending one's life
DISTRESS = "distress"  # panic, overwhelm: grounding offered
DANGER = "danger"  # danger now from another person
SELF_HARM = "self_harm"
DISCLOSURE = "disclosure"  # past abuse told
FLOW_LEVEL = {
    CRISIS: safety.Level.CRISIS,
    DANGER: safety.Level.CRISIS,
    CONCERN: safety.Level.CONCERN,
    SELF_HARM: safety.Level.CRISIS,  # it also answers harm under way (its "urgent" step)
    DISTRESS: safety.Level.DISTRESS,
    DISCLOSURE: safety.Level.DISTRESS,
}
SUPPORT_DIALOGUES = frozenset(FLOW_LEVEL) | {SOS}
CONSENT_DIALOGUES = (ONBOARDING, RECONSENT)
OPEN_WITHOUT_CONSENT = frozenset({ONBOARDING, RECONSENT, YOUTH, SOS, GROUNDING, SAFETY_PLAN} | set(FLOW_LEVEL))
