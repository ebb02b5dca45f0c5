"""The world's cities of 15,000 people or more (GeoNames, data/cities.tsv made by ``build``):
what a typed city name can mean, biggest first.

A name counts when it is a city's own name or one of its alternate names (other languages,
old names: "Calcutta" is Kolkata, not the small town in South Africa that has it as its own
name, because Kolkata is far bigger). The table is read on the first lookup and kept, in
columns rather than one object per city (about 34,000 of them): a few MiB, read in a fraction
of a second. Alternate names are not indexed: the few thousand big cities that have them are
searched as text, which costs a millisecond or two per lookup.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

from safety.countries import fold

from .tzdb import canonical

CITIES_FILE = Path(__file__).with_name("data") / "cities.tsv"  # made by ``python -m bot.places.build``


@dataclass(frozen=True)
class City:
    name: str
    country: str
    zone: str  # as zone.tab names it (``tzdb.canonical``)
    population: int


@dataclass(frozen=True)
class _Table:
    names: list[str]
    countries: list[str]
    zones: list[str]
    populations: array[int]
    own: dict[str, int | tuple[int, ...]]  # folded own name -> its row, or rows (biggest first)
    alternates: list[tuple[int, str]]  # (row, "|name|name|") for the cities that have them, biggest first

    def city(self, row: int) -> City:
        return City(self.names[row], self.countries[row], self.zones[row], self.populations[row])


@lru_cache(maxsize=1)
def _table() -> _Table:
    known = available_timezones()
    zones: dict[str, str] = {}  # as written -> canonical, each zone once
    table = _Table([], [], [], array("q"), {}, [])
    with CITIES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            name, key, country, zone, population, others = line.rstrip("\n").split("\t")
            if zone not in zones:
                zones[zone] = canonical(zone) if zone in known else ""
            if not zones[zone]:
                continue  # a zone this tzdata does not have (yet)
            row = len(table.names)
            table.names.append(name)
            table.countries.append(sys.intern(country))
            table.zones.append(zones[zone])
            table.populations.append(int(population))
            before = table.own.get(key)
            table.own[key] = row if before is None else (*(before if isinstance(before, tuple) else (before,)), row)
            if others:
                table.alternates.append((row, f"|{others}|"))
    return table


def named(text: str, country: str | None = None) -> list[City]:
    """The cities ``text`` names (in ``country`` only, when given), biggest first."""
    table = _table()
    key = fold(text)
    if not key:
        return []
    own = table.own.get(key, ())
    rows = set(own if isinstance(own, tuple) else (own,))
    needle = f"|{key}|"
    rows.update(row for row, others in table.alternates if needle in others)
    found = [table.city(row) for row in sorted(rows)]  # rows are biggest first
    return [city for city in found if country is None or city.country == country]


@dataclass(frozen=True)
class _Summary:
    people: dict[tuple[str, str], int]  # (zone, country) -> the people its cities count
    biggest: dict[tuple[str, str | None], int]  # (zone, country or None) -> the row of its biggest city


@lru_cache(maxsize=1)
def _summary() -> _Summary:
    table = _table()
    summary = _Summary({}, {})
    for row, (zone, country, population) in enumerate(zip(table.zones, table.countries, table.populations, strict=True)):
        summary.people[(zone, country)] = summary.people.get((zone, country), 0) + population
        summary.biggest.setdefault((zone, country), row)  # rows are biggest first
        summary.biggest.setdefault((zone, None), row)
    return summary


def biggest_in(zone: str, country: str | None = None) -> City | None:
    """The biggest city whose zone is ``zone`` (in ``country``, when given)."""
    row = _summary().biggest.get((zone, country))
    return _table().city(row) if row is not None else None


def people_in(zone: str, country: str) -> int:
    """How many people the table counts in the cities of ``zone`` in ``country``."""
    return _summary().people.get((zone, country), 0)
