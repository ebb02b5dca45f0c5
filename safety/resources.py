"""Crisis lines and emergency numbers by country (safety/data/helplines.csv).

Why a curated file in the package: in a crisis the companion must answer at
once, offline, with one or two numbers for the person's country and the local
emergency number, never a wall of numbers, and never a number we cannot trace
to a source. Every row keeps its source and the date it was last checked.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "helplines.csv"
INTERNATIONAL_DIRECTORY = "https://findahelpline.com"
UNKNOWN_ADVICE = (
    "If you are in danger right now, call your local emergency number. "
    f"You can find a free, confidential crisis line for your country at {INTERNATIONAL_DIRECTORY}."
)
_EMERGENCY_PREFIX = "Emergency services"
_NATIONAL_UNNAMED = "National crisis line (name not given in source)"


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


@dataclass(frozen=True)
class CountryResources:
    country_code: str | None
    country_name: str | None
    emergency: str  # the main local emergency number ("112"); "" when unknown
    lines: list[Helpline] = field(default_factory=list)
    known: bool = True
    emergency_all: str = ""  # as the source gives it ("999 or 112")
    directory_url: str = INTERNATIONAL_DIRECTORY
    advice: str = ""


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, list[Helpline], str]]:
    """country code -> (country name, crisis lines, emergency number string)."""
    out: dict[str, tuple[str, list[Helpline], str]] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["country_code"].strip().upper()
            name, lines, emergency = out.get(code, (row["country"].strip(), [], ""))
            if row["name"].startswith(_EMERGENCY_PREFIX):
                emergency = row["phone"].strip()
            else:
                lines.append(
                    Helpline(
                        name=row["name"].strip(),
                        phone=row["phone"].strip(),
                        sms=row["sms"].strip(),
                        url=row["url"].strip(),
                        hours=row["hours"].strip(),
                        source=row["source"].strip(),
                        last_checked=row["last_checked"].strip(),
                        note=row.get("note", "").strip(),
                    )
                )
            out[code] = (name, lines, emergency)
    return out


def _primary(number: str) -> str:
    """'999 or 112' -> '999'; '103 (103 or 112)' -> '103'."""
    m = re.match(r"\s*([\d][\d ]*\d|\d)", number)
    return m.group(1).strip() if m else number.strip()


def _rank(line: Helpline) -> tuple[int, int]:
    # Named lines first (the unnamed national rows are a fallback), then lines
    # reachable around the clock.
    return (line.name == _NATIONAL_UNNAMED, "24" not in line.hours)


def helplines_for(country_code: str | None) -> CountryResources:
    """Resources for an ISO 3166-1 alpha-2 code (or anything find_country accepts)."""
    code = find_country(country_code) if country_code else None
    table = _table()
    if code is None or code not in table:
        return CountryResources(
            country_code=None, country_name=None, emergency="", lines=[], known=False, advice=UNKNOWN_ADVICE
        )
    name, lines, emergency = table[code]
    named = sorted(lines, key=_rank)
    return CountryResources(
        country_code=code,
        country_name=name,
        emergency=_primary(emergency),
        lines=named,
        known=True,
        emergency_all=emergency,
        advice=f"If you are in danger right now, call {_primary(emergency)}." if emergency else UNKNOWN_ADVICE,
    )


def countries() -> list[tuple[str, str]]:
    """(code, name) for every country in the data, sorted by name."""
    return sorted(((c, v[0]) for c, v in _table().items()), key=lambda x: x[1])


# Common names people type that are not the data's own country name.
_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "us": "US", "america": "US", "united states of america": "US",
    "the us": "US", "the usa": "US", "the uk": "GB", "holland": "NL", "the netherlands": "NL",
    "deutschland": "DE", "españa": "ES", "espana": "ES", "italia": "IT", "brasil": "BR",
    "south korea": "KR", "korea": "KR", "russia": "RU", "czech republic": "CZ", "czechia": "CZ",
    "turkey": "TR", "türkiye": "TR", "uae": "AE", "emirates": "AE", "nz": "NZ", "aus": "AU", "oz": "AU",
}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("&", "and"))


def find_country(text: str | None) -> str | None:
    """'UK', 'united kingdom', 'gb', 'GB' -> 'GB'; unknown -> None."""
    if not text or not text.strip():
        return None
    key = _key(text)
    table = _table()
    if len(key) == 2 and key.upper() in table and key not in ("us",):
        return key.upper()
    if key in _ALIASES:
        code = _ALIASES[key]
        return code if code in table else None
    for code, (name, _, _) in table.items():
        n = _key(name)
        if key == n or key == n.replace(".", "") or key == "the " + n:
            return code
    return None
