"""Where a dialogue session stands, and why it was paused: the values the database keeps.

``StrEnum`` members are strings, so the stored values are exactly the words that were
stored before ("active", "safety" ...): no migration, and a row read back compares equal.
"""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    """A person's place in one dialogue; at most one session is ACTIVE per person."""

    ACTIVE = "active"  # the dialogue the person is in now
    PAUSED = "paused"  # kept, to resume later (see ``PauseReason``)
    FINISHED = "finished"  # completed; counted as done in the menu
    ABANDONED = "abandoned"  # left without finishing, or replaced by a newer pause of itself


class PauseReason(StrEnum):
    """Why a session was paused: it decides whether the companion offers the way back."""

    SAFETY = "safety"  # a safety flow stepped in (or /sos): offered again when it ends
    DETOUR = "detour"  # the script visited another dialogue: offered again when that ends
    USER = "user"  # the person paused (/pause, a pause button, /ground): /resume brings it back
    SWITCHED = "switched"  # the person went somewhere else (menu, a check-in, the consent gate)


# Paused for these reasons, the companion offers to go back once the interruption ends.
RETURN_AFTER = frozenset({PauseReason.SAFETY, PauseReason.DETOUR})
