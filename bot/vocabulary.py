"""What the running companion offers scripts, kept apart so checking scripts needs no service.

``dialogues check`` imports only this and the engine: an operator can validate scripts on a
machine where nothing else is set up.
"""

# Sentences the companion needs from dialogues/texts.yaml.
REQUIRED_TEXTS = frozenset(
    {
        "help", "menu", "menu_phase", "stale_button", "buttons_please", "unsupported", "edited",
        "too_long", "paused", "nothing_to_pause", "resumed", "nothing_to_resume", "resume_offer",
        "welcome_back", "idle", "unknown_command", "youth_stop",
        "journal_empty", "journal_page", "mydata", "delete_confirm", "deleted", "delete_cancelled",
        "stats", "not_now", "retention_notice", "heavy_note", "resumed_heavy",
    }
)
ACTIONS = frozenset({"give_consent", "confirm_adult", "under_18"})

# Features that extend the vocabulary register here at import (check-ins do).
EXTRA_ACTIONS: set[str] = set()
EXTRA_TEXTS: set[str] = set()
EXTRA_PROFILE_FIELDS: set[str] = set()  # "ask: profile.<field>" a feature parses and keeps
