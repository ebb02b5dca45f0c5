"""The dialogues the core itself knows by id; every other one is the operator's to name."""

from __future__ import annotations

import safety

ONBOARDING = "onboarding"
RECONSENT = "reconsent"
YOUTH = "youth"
SOS = "sos"
GROUNDING = "grounding"
SAFETY_PLAN = "safety_plan"
SAFETY_FLOWS = {safety.Level.CRISIS: "crisis", safety.Level.CONCERN: "concern", safety.Level.DISTRESS: "distress"}
FLOW_LEVEL = {name: level for level, name in SAFETY_FLOWS.items()}
SUPPORT_DIALOGUES = frozenset(SAFETY_FLOWS.values()) | {SOS}
CONSENT_DIALOGUES = (ONBOARDING, RECONSENT)
OPEN_WITHOUT_CONSENT = frozenset({ONBOARDING, RECONSENT, YOUTH, SOS, GROUNDING, SAFETY_PLAN} | set(SAFETY_FLOWS.values()))
