"""Reading times people type: "20:30", "8pm", "8.15 am", "20h30", "noon"; and quiet hours
such as "22:00-08:00" or "10pm to 7am".

Like ``bot.profile``'s parsers, each returns the value to keep (minutes after midnight) or
raises ``Unreadable`` naming the kind sentence (texts.yaml) the companion shows before asking again.
The same parsers read the values operators put in scripts (``set: {time: "20:30"}``), so a
script and a person are held to one format.
"""

from __future__ import annotations

import re

from ..domain import Unreadable
from .schedule import DAILY, FEW, RHYTHMS, WEEKLY

TEXTS = frozenset({"unreadable_time", "unreadable_time_ambiguous", "unreadable_quiet_hours"})  # in texts.yaml

_WORDS = {"noon": 12 * 60, "midday": 12 * 60, "midnight": 0}
_TIME = re.compile(
    r"^(?:at\s*)?(?P<hour>\d{1,2})(?:\s*(?:[:.h]|\s)\s*(?P<minute>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?|h)?$"
)
_RANGE = re.compile(r"\s*(?:-|–|—|to|until|till)\s*")
_DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_time(text: str) -> int:
    """A time of day, as minutes after midnight."""
    raw = " ".join(str(text).strip().lower().split())
    if raw in _WORDS:
        return _WORDS[raw]
    match = _TIME.match(raw)
    if not match:
        raise Unreadable("unreadable_time")
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    half = (match.group("half") or "").replace(".", "")
    if half in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise Unreadable("unreadable_time")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group("minute") is None and half != "h" and 1 <= hour <= 12:
        # A bare number ("8") is too ambiguous to guess between morning and evening.
        raise Unreadable("unreadable_time_ambiguous")
    if hour > 23 or minute > 59:
        raise Unreadable("unreadable_time")
    return hour * 60 + minute


def parse_quiet_hours(text: str) -> tuple[int, int] | None:
    """Quiet hours as (start, end) minutes; "none" or "off" means no quiet hours."""
    raw = " ".join(str(text).strip().lower().split())
    if raw in ("", "none", "off", "no"):
        return None
    parts = _RANGE.split(raw, maxsplit=1)
    if len(parts) != 2:
        raise Unreadable("unreadable_quiet_hours")
    try:
        start, end = parse_time(parts[0]), parse_time(parts[1])
    except ValueError:
        raise Unreadable("unreadable_quiet_hours") from None
    if start == end:
        raise Unreadable("unreadable_quiet_hours")
    return start, end


def parse_rhythm(text: str) -> str:
    value = str(text).strip().lower()
    aliases = {"every day": DAILY, "a few days a week": FEW, "once a week": WEEKLY}
    value = aliases.get(value, value)
    if value not in RHYTHMS:
        raise ValueError(f"rhythm must be one of {', '.join(RHYTHMS)}")
    return value


def parse_days(text: str) -> frozenset[int]:
    """Weekdays such as "mon wed fri" (empty: the rhythm's own days)."""
    found = set()
    for word in re.split(r"[\s,]+", str(text).strip().lower()):
        if not word:
            continue
        if word[:3] not in _DAY_NAMES:
            raise ValueError(f"'{word}' is not a weekday (mon, tue, wed, thu, fri, sat, sun)")
        found.add(_DAY_NAMES[word[:3]])
    return frozenset(found)


def days_text(days: frozenset[int]) -> str:
    names = {v: k for k, v in _DAY_NAMES.items()}
    return " ".join(names[d] for d in sorted(days))
