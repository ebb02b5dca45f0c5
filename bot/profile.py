"""Reading what a person types for their profile: a name, a country, a time zone.

Each parser returns the value to keep, or raises ``Unreadable`` naming the kind sentence
(in dialogues/texts.yaml) the companion shows before asking again. Places are read from
well-kept data, loaded on the first question: countries by ``safety.countries`` (pycountry,
CLDR), time zones by ``places.zones`` (tzdata's tables, GeoNames cities).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from safety.countries import find_country

from .domain import Unreadable
from .places.zones import read_zone

NAME_LIMIT = 40


def parse_name(text: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", text).split())
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if not name:
        raise Unreadable("unreadable_name_empty")
    if len(name) > NAME_LIMIT:
        raise Unreadable("unreadable_name_long", limit=NAME_LIMIT)
    return name


def parse_country(text: str) -> str:
    """Any ISO 3166 country, by its code or any of its names in any language
    (``safety.countries``): 'Côte d'Ivoire', 'Deutschland', 'UK', 'IN'."""
    code = find_country(text.strip())
    if not code:
        raise Unreadable("unreadable_country")
    return code


def parse_timezone(text: str) -> str:
    """An IANA zone, an offset, an abbreviation, a country or a city (``places.zones``);
    ``Ambiguous`` (an ``Unreadable``) when it can mean several, with the choices."""
    return read_zone(text)


PARSERS: dict[str, Callable[[str], object]] = {
    "name": parse_name,
    "child_name": parse_name,
    "country": parse_country,
    "timezone": parse_timezone,
}
