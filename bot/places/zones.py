"""Which time zone a person means, from what they type at a time zone question.

Read in this order, each from data where data exists:

1. an offset: "UTC+2", "GMT-3", "+0545", "UTC+5:30". A whole hour is that offset all year
   (``Etc/GMT-2``); a half or quarter hour is the zone that keeps it (the most people's,
   from tzdata and GeoNames: +5:30 is Asia/Kolkata, +5:45 Asia/Kathmandu);
2. an abbreviation (``ABBREVIATIONS``): one meaning is kept ("JST"); several, or a choice
   between a zone with summer time and the same offset all year ("EST", "CST", "IST",
   "PST", "GMT"), are asked about;
3. a country, in any language (``safety.countries``): its zone when it has one (zones whose
   clocks agree from now on count as one; a zone without a city of 15,000 people, such as
   New Zealand's Chatham Islands, is not offered), else the choice of its zones;
4. "city, country" (or "city country"): the city in that country;
5. an IANA name, any case, old names led to today's ("asia/calcutta" -> Asia/Kolkata);
6. a city (GeoNames, 15,000 people or more; ``cities``): the biggest of that name, or the
   choice when another city of the name in another zone has a fifth of its people or more;
7. the city a zone is named after ("Busingen", "Adak").

A choice raises ``Ambiguous`` (bot/domain.py) with (zone, place) pairs, at most
``MAX_CHOICES``; nothing readable raises ``Unreadable`` with the kind sentence's key.
"""

from __future__ import annotations

import re
from functools import lru_cache

from safety.countries import country_name, find_country, fold

from ..domain import Ambiguous, Unreadable
from . import cities
from .tzdb import by_lower_name, canonical, country_of_zone, offset_text, rules, same_clocks, seasons, zones_by_country

MAX_CHOICES = 4
RATIO = 0.2  # another city of the same name counts when it has this share of the biggest's people
UTC = "UTC"

# Abbreviations people type for a time zone, and what each can mean, in the order offered.
# An Etc zone is that offset all year (POSIX signs: Etc/GMT+5 is UTC-5). Where one name
# stands for a region of zones that agree, it is the zone tzdata's zonenow.tab names for it.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "UTC": (UTC,), "Z": (UTC,), "ZULU": (UTC,), "UCT": (UTC,),
    "GMT": ("Europe/London", UTC),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "EST": ("America/New_York", "Etc/GMT+5"), "EDT": ("America/New_York",), "ET": ("America/New_York",),
    "CST": ("America/Chicago", "Asia/Shanghai", "America/Mexico_City"), "CDT": ("America/Chicago",), "CT": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix"), "MDT": ("America/Denver",), "MT": ("America/Denver",),
    "PST": ("America/Los_Angeles", "Asia/Manila"), "PDT": ("America/Los_Angeles",), "PT": ("America/Los_Angeles",),
    "AKST": ("America/Anchorage",), "AKDT": ("America/Anchorage",), "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "America/Puerto_Rico", "Asia/Riyadh"), "ADT": ("America/Halifax",),
    "NST": ("America/St_Johns",), "NDT": ("America/St_Johns",),
    "WET": ("Europe/Lisbon",), "WEST": ("Europe/Lisbon",),
    "CET": ("Europe/Paris",), "CEST": ("Europe/Paris",), "MEZ": ("Europe/Paris",),
    "EET": ("Europe/Athens",), "EEST": ("Europe/Athens",), "MSK": ("Europe/Moscow",),
    "WAT": ("Africa/Lagos",), "CAT": ("Africa/Maputo",), "EAT": ("Africa/Nairobi",), "SAST": ("Africa/Johannesburg",),
    "PKT": ("Asia/Karachi",), "NPT": ("Asia/Kathmandu",), "ICT": ("Asia/Bangkok",),
    "WIB": ("Asia/Jakarta",), "WITA": ("Asia/Makassar",), "WIT": ("Asia/Jayapura",),
    "SGT": ("Asia/Singapore",), "MYT": ("Asia/Kuala_Lumpur",), "PHT": ("Asia/Manila",), "HKT": ("Asia/Hong_Kong",),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",),
    "AWST": ("Australia/Perth",), "ACST": ("Australia/Adelaide", "Australia/Darwin"), "ACDT": ("Australia/Adelaide",),
    "AEST": ("Australia/Sydney", "Australia/Brisbane"), "AEDT": ("Australia/Sydney",),
    "NZST": ("Pacific/Auckland",), "NZDT": ("Pacific/Auckland",),
    "BRT": ("America/Sao_Paulo",), "ART": ("America/Argentina/Buenos_Aires",),
}

_OFFSET = re.compile(r"^(?:utc|gmt)?([+-])(\d{1,2})(?:[:h.]?(\d{2})|[.,](5|25|75))?$")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})
_FRACTION = {"5": 30, "25": 15, "75": 45}


def read_zone(text: str) -> str:
    """The IANA zone ``text`` means; ``Ambiguous`` when it means several, ``Unreadable``
    when it means none."""
    raw = " ".join(text.split())
    if not raw:
        raise Unreadable("unreadable_timezone_empty")
    offset = _offset(raw)
    if offset is not None:
        return offset
    word = re.sub(r"[\s.]", "", raw).upper().removesuffix("TIME")
    if word in ABBREVIATIONS:
        return _choose(ABBREVIATIONS[word], "zone_which", value=raw)
    country = find_country(raw, codes_too=False)
    if country is not None:
        return _country_zone(country)  # before the old zone names that are countries ("Iceland", a link to Abidjan)
    if "," in raw:
        return _city_in(*raw.rsplit(",", 1))
    named = by_lower_name().get(raw.replace(" ", "_").lower())
    if named is not None:
        return canonical(named)
    zone = _city(raw) or _city_then_country(raw)
    if zone is not None:
        return zone
    zone = _exemplars().get(fold(raw))
    if zone is not None:
        return zone
    raise Unreadable("unreadable_timezone")


def _offset(raw: str) -> str | None:
    match = _OFFSET.match(raw.lower().translate(_MINUS).replace(" ", ""))
    if not match:
        return None
    sign, hours, minutes, fraction = match.groups()
    total = int(hours) * 60 + (int(minutes) if minutes else _FRACTION.get(fraction or "", 0))
    if (minutes and int(minutes) >= 60) or total > 14 * 60 or (sign == "-" and total > 12 * 60):
        return None
    if total == 0:
        return UTC
    if total % 60 == 0:
        # POSIX Etc zones invert the sign: UTC+2 is Etc/GMT-2.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{total // 60}"
    return _zone_keeping(total if sign == "+" else -total)


def _zone_keeping(minutes: int) -> str | None:
    """The zone (of zone.tab) that keeps this offset all year, the most people's; else one
    whose clocks show it for part of the year (Newfoundland's -2:30 in summer)."""
    listed = country_of_zone()
    showing = sorted((zone for zone in listed if minutes in seasons(zone)), key=lambda zone: -cities.people_in(zone, listed[zone]))
    fixed = [zone for zone in showing if seasons(zone) == {minutes}]
    return (fixed + showing)[0] if showing else None


def _choose(zones: tuple[str, ...], question: str, **values: object) -> str:
    if len(zones) == 1:
        return zones[0]
    raise Ambiguous(question, tuple((zone, place_of(zone)) for zone in zones[:MAX_CHOICES]), **values)


def _groups(zones: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """(zone, weight) merged where the clocks agree from now on: each group's first zone
    (in the given order), with the group's weights added up, heaviest first."""
    leads: list[str] = []
    weights: list[int] = []
    for zone, weight in zones:
        for index, lead in enumerate(leads):
            if same_clocks(lead, zone):
                weights[index] += weight
                break
        else:
            leads.append(zone)
            weights.append(weight)
    return sorted(zip(leads, weights, strict=True), key=lambda group: -group[1])


def country_groups(country: str) -> list[tuple[str, int]]:
    """The country's zones, one per group of zones that keep the same clocks, as (the zone of
    the group's biggest city, the people the cities of the group count), most people first;
    groups without a city in the table only when no group has one."""
    zones = zones_by_country().get(country, ())
    ordered = sorted(zones, key=lambda zone: -_biggest_population(zone, country))  # the biggest city's zone leads its group
    groups = _groups([(zone, cities.people_in(zone, country)) for zone in ordered])
    peopled = [group for group in groups if group[1] > 0]
    return peopled or groups


def _biggest_population(zone: str, country: str) -> int:
    city = cities.biggest_in(zone, country)
    return city.population if city is not None else 0


def _country_zone(country: str) -> str:
    groups = country_groups(country)
    if not groups:
        raise Unreadable("unreadable_timezone")
    if len(groups) == 1:
        return groups[0][0]
    choices = tuple((zone, _city_place(zone, country)) for zone, _ in groups[:MAX_CHOICES])
    raise Ambiguous("zone_which_country", choices, country=country_name(country))


def _city_place(zone: str, country: str) -> str:
    city = cities.biggest_in(zone, country)
    return city.name if city is not None else zone.rsplit("/", 1)[-1].replace("_", " ")


def _city(text: str, country: str | None = None, *, strict: bool = False) -> str | None:
    """The zone of the city ``text`` names; a choice between the biggest cities of that name
    in other zones (with ``strict``, every other zone's, however small)."""
    found = cities.named(text, country)
    if not found:
        return None
    groups: list[tuple[str, cities.City]] = []
    for city in found:  # biggest first
        if not any(same_clocks(zone, city.zone) for zone, _ in groups):
            groups.append((city.zone, city))
    top = groups[0][1].population
    kept = [(zone, city) for zone, city in groups if strict or city.population >= RATIO * top]
    if len(kept) == 1:
        return kept[0][0]
    choices = tuple((zone, f"{city.name}, {country_name(city.country)}") for zone, city in kept[:MAX_CHOICES])
    raise Ambiguous("zone_which_city", choices, value=groups[0][1].name)


def _city_in(head: str, tail: str) -> str:
    """"Paris, France": the city in that country. When the tail names no country ("Portland,
    Maine"), every zone of a city of that name is offered, since the tail may have said which."""
    head = head.strip()
    country = find_country(tail)
    if country is not None:
        zone = _city(head, country)
        if zone is not None:
            return zone
    zone = _city(head, strict=True)
    if zone is None:
        raise Unreadable("unreadable_timezone")
    return zone


def _city_then_country(raw: str) -> str | None:
    """"Berlin Germany", "Sao Paulo Brasil": a city followed by its country, without a comma."""
    words = raw.split()
    for cut in (len(words) - 1, len(words) - 2):
        if cut >= 1:
            country = find_country(" ".join(words[cut:]), codes_too=False)
            if country is not None:
                return _city(" ".join(words[:cut]), country)
    return None


@lru_cache(maxsize=1)
def _exemplars() -> dict[str, str]:
    """The city each zone of zone.tab is named after, folded -> the zone."""
    out: dict[str, str] = {}
    for zone in country_of_zone():
        out.setdefault(fold(zone.rsplit("/", 1)[-1].replace("_", " ")), zone)
    return out


def place_of(zone: str) -> str:
    """How a choice names a zone: its country when the country has one zone ('India'), else
    the zone's biggest city ('New York City'); '' for an offset kept all year ('Etc/GMT+5')."""
    country = country_of_zone().get(zone)
    if country is None:
        return ""
    if len(country_groups(country)) == 1:
        return country_name(country)
    return _city_place(zone, country)


def describe(zone: str) -> tuple[str, bool]:
    """(the zone's standard offset as '+5:30', whether it keeps summer time)."""
    minutes, summer = rules(zone)
    return offset_text(minutes), summer
