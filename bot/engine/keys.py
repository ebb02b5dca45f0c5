"""Checks on what keeps a person's place when a writer edits a live script: button keys
(what a press carries instead of its position) and ``renamed_from`` (a step's earlier names).

They live apart from ``validate`` because they are about edits over time, not about one
version of a script being well written.
"""

from __future__ import annotations

from collections.abc import Iterator

from .machine import button_data
from .script import Problem, Script
from .validate import CALLBACK_DATA_LIMIT

LARGEST_STEP_COUNT = 999_999  # a session's step count, as it appears in a button's data


def check_keys(script: Script) -> Iterator[Problem]:
    """Keys that could send a press the wrong way, and renames that cannot work."""
    claimed: dict[str, str] = {}
    for step in script.steps.values():
        for old in step.renamed_from:
            if old in script.steps:
                yield Problem(script.path, step.line, f"step '{step.name}' is renamed_from '{old}', but '{old}' is still a step of {script.id}: remove one of them")
            elif old in claimed:
                yield Problem(script.path, step.line, f"steps '{claimed[old]}' and '{step.name}' are both renamed_from '{old}': people on '{old}' can continue at only one")
            else:
                claimed[old] = step.name
        by_key: dict[str, object] = {}
        for button in step.buttons:
            effect = (button.target.go, button.target.start, button.target.visit, button.target.end, button.target.pause, button.sets, button.actions)
            if button.key in by_key and by_key[button.key] != effect:
                yield Problem(script.path, button.line, f"two buttons of step '{step.name}' carry the key '{button.key}' but do different things: give each its own key")
            by_key.setdefault(button.key, effect)
            if len(button_data(LARGEST_STEP_COUNT, button.key).encode("utf-8")) > CALLBACK_DATA_LIMIT:
                yield Problem(script.path, button.line, f"this button's key '{button.key}' is too long for Telegram: give it a short 'key:'")
