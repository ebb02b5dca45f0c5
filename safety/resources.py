"""Crisis lines and emergency numbers by country (safety/data/helplines.csv).

Why a curated file in the package: in a crisis the companion must answer at
once, offline, with one or two numbers for the person's country and the local
emergency number, never a wall of numbers, and never a number we cannot trace
to a source. Every row keeps its source and the date it was last checked.

Each row has a ``kind`` (``KINDS``): ``crisis`` lines are what ``lines`` holds (adult
crisis and suicide lines); ``emergency`` and ``police`` rows give the numbers; ``violence``
(domestic or family violence), ``abuse`` (child abuse, sexual abuse) and ``youth`` lines
are kept apart so a line for children is never among the first shown to an adult. Within a
country and kind, the data decides the order: lower ``rank`` first, then file order.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .countries import find_country as find_country  # re-exported: safety callers look a country up here

DATA_FILE = Path(__file__).with_name("data") / "helplines.csv"
INTERNATIONAL_DIRECTORY = "https://findahelpline.com"
VIOLENCE_DIRECTORY = "https://www.hotpeachpages.net"  # international directory of domestic-violence help
KINDS = ("crisis", "emergency", "police", "violence", "abuse", "youth")
_LINE_KINDS = ("crisis", "violence", "abuse", "youth")
UNKNOWN_ADVICE = (
    "If you are in danger right now, call your local emergency number. "
    f"You can find a free, confidential crisis line for your country at {INTERNATIONAL_DIRECTORY}."
)
_EMERGENCY_PREFIX = "Emergency services"
UNNAMED_LINE = "National crisis line (name not given in source)"  # a fallback row: the source gave no operator name


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    sms: str
    url: str
    hours: str
    source: str
    last_checked: str
    note: str = ""
    kind: str = "crisis"
    rank: int = 0


@dataclass(frozen=True)
class CountryResources:
    country_code: str | None
    country_name: str | None
    emergency: str  # the main local emergency number ("112"); "" when unknown
    lines: list[Helpline] = field(default_factory=list)  # crisis lines for adults, in the data's order
    known: bool = True
    emergency_all: str = ""  # as the source gives it ("999 or 112")
    directory_url: str = INTERNATIONAL_DIRECTORY
    advice: str = ""
    police: str = ""  # the main police number ("17"); "" when unknown
    police_all: str = ""  # as the data gives it
    violence_lines: list[Helpline] = field(default_factory=list)  # domestic / family violence
    abuse_lines: list[Helpline] = field(default_factory=list)  # child abuse, sexual abuse
    youth_lines: list[Helpline] = field(default_factory=list)  # lines for children and young people
    violence_directory: str = VIOLENCE_DIRECTORY


@dataclass
class _Country:
    name: str
    emergency: str = ""
    police: str = ""
    lines: dict[str, list[Helpline]] = field(default_factory=lambda: {k: [] for k in _LINE_KINDS})


def _kind(row: dict[str, str]) -> str:
    kind = (row.get("kind") or "").strip()
    if not kind:  # a file from before the kind column
        kind = "emergency" if row["name"].startswith(_EMERGENCY_PREFIX) else "crisis"
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} in {DATA_FILE.name}: {row}")
    return kind


@lru_cache(maxsize=1)
def _table() -> dict[str, _Country]:
    """country code -> its name, numbers and lines by kind, each in the data's order."""
    out: dict[str, _Country] = {}
    ranked: dict[str, list[tuple[int, int, str, str]]] = {}  # code -> (rank, index, kind, number)
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        for index, row in enumerate(csv.DictReader(fh)):
            code = row["country_code"].strip().upper()
            country = out.setdefault(code, _Country(name=row["country"].strip()))
            kind = _kind(row)
            rank = int((row.get("rank") or "0").strip() or 0)
            if kind in ("emergency", "police"):
                ranked.setdefault(code, []).append((rank, index, kind, row["phone"].strip()))
                continue
            country.lines[kind].append(
                Helpline(
                    name=row["name"].strip(),
                    phone=row["phone"].strip(),
                    sms=row["sms"].strip(),
                    url=row["url"].strip(),
                    hours=row["hours"].strip(),
                    source=row["source"].strip(),
                    last_checked=row["last_checked"].strip(),
                    note=(row.get("note") or "").strip(),
                    kind=kind,
                    rank=rank,
                )
            )
    for code, numbers in ranked.items():
        for _, _, kind, number in sorted(numbers):  # the first of each kind by rank wins
            if kind == "emergency" and not out[code].emergency:
                out[code].emergency = number
            elif kind == "police" and not out[code].police:
                out[code].police = number
    for country in out.values():
        for lines in country.lines.values():
            lines.sort(key=lambda h: h.rank)  # stable: file order within a rank
    return out


def _primary(number: str) -> str:
    """'999 or 112' -> '999'; '103 (103 or 112)' -> '103'."""
    m = re.match(r"\s*([\d][\d ]*\d|\d)", number)
    return m.group(1).strip() if m else number.strip()


def helplines_for(country_code: str | None) -> CountryResources:
    """Resources for an ISO 3166-1 alpha-2 code (or anything find_country accepts). A country
    without rows in the data gets the same fallback as an unknown one: the directory."""
    table = _table()
    if country_code and country_code in table:
        code: str | None = country_code  # the usual case, a stored code: no name table is read
    else:
        code = find_country(country_code) if country_code else None
    if code is None or code not in table:
        return CountryResources(
            country_code=None, country_name=None, emergency="", lines=[], known=False, advice=UNKNOWN_ADVICE
        )
    country = table[code]
    emergency = country.emergency
    return CountryResources(
        country_code=code,
        country_name=country.name,
        emergency=_primary(emergency),
        lines=list(country.lines["crisis"]),
        known=True,
        emergency_all=emergency,
        advice=f"If you are in danger right now, call {_primary(emergency)}." if emergency else UNKNOWN_ADVICE,
        police=_primary(country.police) if country.police else "",
        police_all=country.police,
        violence_lines=list(country.lines["violence"]),
        abuse_lines=list(country.lines["abuse"]),
        youth_lines=list(country.lines["youth"]),
    )


def countries() -> list[tuple[str, str]]:
    """(code, name) for every country in the data, sorted by name."""
    return sorted(((c, v.name) for c, v in _table().items()), key=lambda x: x[1])
