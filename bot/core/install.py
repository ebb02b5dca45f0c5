"""The core's own part of ``Features``: its commands, the onboarding actions, the profile
fields people type, and the sentences it needs from texts.yaml. ``app.build()`` calls
``install`` first; features (check-ins) install theirs after it."""

from __future__ import annotations

from ..profile import PARSERS
from . import consent, fallback, idle, name_prompt, zone_prompt
from .commands import journal, navigation, privacy, support
from .context import Features

# Sentences the core needs from dialogues/texts.yaml (commands add their menu descriptions).
TEXTS = frozenset(
    {
        "help", "menu", "menu_phase", "stale_button", "script_changed", "buttons_please", "unsupported", "edited",
        "too_long", "paused", "nothing_to_pause", "resumed", "nothing_to_resume", "resume_offer", "gentle_offer", "real_person",
        "button_safety_plan", "button_grounding", "button_rest",
        "welcome_back", "idle", "unknown_command", "youth_stop", "youth_wrong_age", "button_wrong_age",
        "journal_empty", "journal_page", "journal_question", "mydata", "delete_confirm", "deleted", "delete_cancelled",
        "stats", "not_now", "retention_notice", "heavy_note", "resumed_heavy",
        "button_open_menu", "button_pause", "button_resume", "button_go_back", "button_not_now",
        "button_all_phases", "button_next", "button_dialogue", "button_older_entries",
        "button_newer_entries", "button_export", "button_delete", "button_delete_confirm",
        "button_delete_cancel", "button_still_here",
        "unreadable_name_empty", "unreadable_name_long", "unreadable_country",
        "unreadable_timezone_empty", "unreadable_timezone",
        "something_went_wrong", "something_went_wrong_console", "goodbye_console", "console_first_run", "console_saved", "console_picture_failed",
        "export_title", "export_date", "export_safety_plan", "export_journal", "export_empty", "export_question",
    }
) | navigation.PHASE_TEXTS | frozenset(fallback.NAMES) | idle.TEXTS | name_prompt.TEXTS | zone_prompt.TEXTS


def install(features: Features) -> None:
    for module in (navigation, support, journal, privacy):
        for command in module.COMMANDS:
            features.add_command(command)
    for name, action in consent.ACTIONS.items():
        features.add_action(name, action)
    for field, parser in PARSERS.items():
        features.add_profile_field(field, parser)
    features.need_texts(*TEXTS)
