"""The crisis card that still reaches a person when their turn fails.

Why: the safety assessment runs before any database or script work (``Companion.handle``),
so when the turn then fails (the database is down, the encryption key does not match, an
operator renamed a step, a template is broken) a message read as crisis or concern must
still get its resources, never only "something went wrong". The card is plain text with
two names filled in by ``str.replace`` (no Jinja), read from ``dialogues/texts.yaml`` when
the companion starts (operators edit it like every other sentence), with the same words
hard-coded below as the last resort when that file cannot be read. The country is the
person's own when the database could tell it, else ``INNERCHILD_DEFAULT_COUNTRY``, else
the international directory and "your local emergency number".

Adapters catch ``TurnFailed``: its ``replies`` (empty for an ordinary message, which gets
the adapter's usual apology) and ``describe_failure()`` for the log, which names the error's class
and code location, never its message (it could quote what the person wrote).
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Mapping
from pathlib import Path


import safety
from safety.resources import INTERNATIONAL_DIRECTORY, helplines_for

from ..engine.yamlnodes import load_with_lines
from ..domain import Reply
from .cards import card_for
from .dialogues import DANGER

MAX_LINES = 2  # one or two options, never a wall of numbers (SAFETY.md)

# The texts.yaml keys, each with the only names it may use and its last-resort words.
NAMES: Mapping[str, frozenset[str]] = {
    "fallback_crisis": frozenset({"lines", "emergency"}),
    "fallback_concern": frozenset({"lines", "emergency"}),
    "fallback_danger": frozenset({"lines", "emergency"}),
    "fallback_line": frozenset({"name", "number"}),
    "fallback_directory": frozenset({"directory"}),
    "fallback_local_emergency": frozenset(),
}
DEFAULTS: Mapping[str, str] = {
    "fallback_crisis": (
        "I'm a program and something went wrong on my side, so I can't go on with our conversation "
        "right now. What you wrote matters, and you don't have to get through this alone. "
        "Please reach out now, help works:\n{{ lines }}\n"
        "If you are in danger or might act on these thoughts, call {{ emergency }} now."
    ),
    "fallback_concern": (
        "I'm a program and something went wrong on my side, so I can't answer you properly right now. "
        "What you wrote matters. If things feel too heavy, people are there to talk to right now, "
        "and it helps:\n{{ lines }}\n"
        "If you are in danger, call {{ emergency }}."
    ),
    "fallback_danger": (
        "I'm a program and something went wrong on my side, so I can't go on with our conversation "
        "right now. You deserve to be safe. If you are in danger now, call {{ emergency }}. "
        "When you can, these people help with exactly this, in confidence:\n{{ lines }}"
    ),
    "fallback_line": "• {{ name }}: {{ number }}",
    "fallback_directory": "• A free, confidential crisis line for your country: {{ directory }}",
    "fallback_local_emergency": "your local emergency number",
}


# The apology's last resort, when even texts.yaml's something_went_wrong cannot be rendered.
LAST_RESORT_SORRY = "Something went wrong on my side. Let's try that again."


class TurnFailed(Exception):
    """A turn failed after its words were assessed. ``replies``: the crisis card, or nothing
    when the message called for none (the adapter then apologises as usual)."""

    def __init__(self, cause: BaseException, replies: list[Reply]):
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.replies = replies


def describe_failure(error: BaseException | None) -> str:
    """For the log: the class and the last code locations of what failed, never its message."""
    if error is None:
        return "unknown error"
    if isinstance(error, TurnFailed):
        error = error.cause
    where = "".join(traceback.format_tb(error.__traceback__)[-3:]).rstrip()
    return f"{type(error).__name__}\n{where}" if where else type(error).__name__


def load_card_texts(texts_file: Path) -> dict[str, str]:
    """The card's words from texts.yaml, each falling back to its default when it cannot be
    read or uses template syntax beyond its own names."""
    try:
        data, _ = load_with_lines(texts_file.read_text(encoding="utf-8"))  # YAML as writers mean it, like every operator file
    except Exception:  # noqa: BLE001 - a missing or broken file: the defaults speak
        data = None
    found = data if isinstance(data, dict) else {}
    texts: dict[str, str] = {}
    for key, default in DEFAULTS.items():
        value = found.get(key)
        plain = isinstance(value, str) and "{%" not in value and "{{" not in _fill(value, dict.fromkeys(NAMES[key], ""))
        texts[key] = value.strip() if plain and isinstance(value, str) and value.strip() else default
    return texts


def crisis_card(texts: Mapping[str, str], assessment: safety.Assessment | None, countries: tuple[str | None, ...]) -> list[Reply]:
    """The card for the assessment (crisis or concern; nothing below), for the first of
    ``countries`` the helpline data knows. As HTML like every reply (values escaped).
    Danger from another person gets the police and a domestic-violence line."""
    if assessment is None or assessment.level < safety.Level.CONCERN:
        return []
    card = card_for(assessment)
    danger = card is not None and card.dialogue == DANGER
    lines, emergency = _resources(texts, countries, danger=danger)
    if danger:
        key = "fallback_danger"
    else:
        key = "fallback_crisis" if assessment.level >= safety.Level.CRISIS else "fallback_concern"
    words = _fill(texts[key], {"lines": "\n".join(lines), "emergency": emergency})
    return [Reply(html.escape(words, quote=False))]


def _resources(texts: Mapping[str, str], countries: tuple[str | None, ...], *, danger: bool = False) -> tuple[list[str], str]:
    """Up to two lines and the emergency number; the directory and "your local emergency
    number" when no country is known (or the helpline data itself cannot be read). For
    ``danger``: domestic-violence lines first and the police number, where the data has them."""
    for country in countries:
        if not country:
            continue
        try:
            resources = helplines_for(country)
        except Exception:  # noqa: BLE001 - the data file is unreadable: the directory speaks
            break
        if not resources.known:
            continue
        offered = (resources.violence_lines or resources.lines) if danger else resources.lines
        lines = [
            _fill(texts["fallback_line"], {"name": line.name, "number": line.phone or line.sms or line.url})
            for line in offered
            if line.phone or line.sms or line.url
        ][:MAX_LINES]
        if not lines:
            lines = [_fill(texts["fallback_directory"], {"directory": INTERNATIONAL_DIRECTORY})]
        number = (resources.police or resources.emergency) if danger else resources.emergency
        return lines, number or texts["fallback_local_emergency"]
    return [_fill(texts["fallback_directory"], {"directory": INTERNATIONAL_DIRECTORY})], texts["fallback_local_emergency"]


def _fill(text: str, values: Mapping[str, str]) -> str:
    for name, value in values.items():
        for spelling in (f"{{{{ {name} }}}}", f"{{{{{name}}}}}"):
            text = text.replace(spelling, value)
    return text
