"""Reading what a person types for their profile: a name, a country, a time zone.

Each parser returns the value to keep, or raises ``Unreadable`` naming the kind sentence
(in dialogues/texts.yaml) the companion shows before asking again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from safety.resources import find_country

from .domain import Unreadable

NAME_LIMIT = 40

_CITY_ZONES: dict[str, str] | None = None


def parse_name(text: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", text).split())
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if not name:
        raise Unreadable("unreadable_name_empty")
    if len(name) > NAME_LIMIT:
        raise Unreadable("unreadable_name_long", limit=NAME_LIMIT)
    return name


def parse_country(text: str) -> str:
    code = find_country(text.strip())
    if not code:
        raise Unreadable("unreadable_country")
    return code


def _city_zones() -> dict[str, str]:
    global _CITY_ZONES
    if _CITY_ZONES is None:
        zones: dict[str, str] = {}
        for zone in sorted(available_timezones()):
            city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
            zones.setdefault(city, zone)
        _CITY_ZONES = zones
    return _CITY_ZONES


_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?$")


def parse_timezone(text: str) -> str:
    """An IANA zone ("Europe/Berlin"), a city ("Berlin", "new york") or "UTC+2"."""
    raw = text.strip()
    if not raw:
        raise Unreadable("unreadable_timezone_empty")
    candidate = raw.replace(" ", "_")
    for guess in (candidate, candidate.title()):
        try:
            ZoneInfo(guess)
            return guess
        except (ZoneInfoNotFoundError, ValueError):
            pass
    lowered = raw.lower()
    if lowered in {"utc", "gmt", "z"}:
        return "UTC"
    zone = _city_zones().get(lowered)
    if zone:
        return zone
    match = _OFFSET.match(lowered.replace(" ", ""))
    if match:
        sign, hours = match.group(1), int(match.group(2))
        if hours <= 14:
            # POSIX Etc zones invert the sign: UTC+2 is Etc/GMT-2.
            return "UTC" if hours == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    raise Unreadable("unreadable_timezone")


PARSERS: dict[str, Callable[[str], object]] = {
    "name": parse_name,
    "child_name": parse_name,
    "country": parse_country,
    "timezone": parse_timezone,
}
