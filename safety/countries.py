"""Which country a person means: every ISO 3166 country, by the names people type for it.

Why not a hand-written list: a person in Abidjan types "Côte d'Ivoire", one in Munich
"Deutschland", one in Delhi "भारत", and each must get their own country's crisis lines (or,
for a country without lines in safety/data/helplines.csv, the international directory, as
``helplines_for`` already does for any unknown country). The names come from well-kept data:

- pycountry (the Debian iso-codes data, LGPL-2.1, a runtime dependency): the ISO 3166-1 codes,
  and each country's English short, official and common name;
- data/country_names.tsv: the Unicode CLDR territory names, English and in every language
  babel ships, made by ``python -m safety.build_country_names`` (see data/README.md: source,
  version, licence);
- ``ALIASES`` below: the few names people type that neither gives ("UK", "Ivory Coast").

Both tables are read on the first question, not at start-up, and kept. ``fold`` makes a
name comparable (case, accents, punctuation, a leading "the"); bot/places folds city names
the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("data") / "country_names.tsv"
EXTRA_CODES = frozenset({"XK"})  # Kosovo: a code CLDR and most registries use, not (yet) in ISO 3166-1

# Names people type that the data does not give (keys are folded on use).
ALIASES = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "usa": "US", "us": "US", "america": "US", "united states of america": "US",
    "holland": "NL", "korea": "KR", "russia": "RU", "czech republic": "CZ", "turkey": "TR", "uae": "AE",
    "emirates": "AE", "nz": "NZ", "aus": "AU", "oz": "AU", "ivory coast": "CI", "dr congo": "CD", "drc": "CD",
    "palestine": "PS", "swaziland": "SZ", "east timor": "TL", "macedonia": "MK", "macau": "MO",
    "bosnia": "BA", "trinidad": "TT", "vatican": "VA", "burma": "MM", "cape verde": "CV",
}

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d", "ħ": "h"})
_DROPPED = re.compile(r"[.'’ʼ`´‘]")  # "U.S.A." -> "usa", "Côte d'Ivoire" -> "cote divoire"
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A name as it is compared: 'Côte d’Ivoire' -> 'cote divoire', 'The Gambia' -> 'gambia',
    'São Paulo' -> 'sao paulo', 'Łódź' -> 'lodz'. Words in any script stay themselves."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SEPARATORS.sub(" ", _DROPPED.sub("", text.replace("&", " and ")))
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _rows() -> Iterator[tuple[str, str, str]]:
    """(code, English CLDR name, the other names folded and |-joined), from data/country_names.tsv."""
    with NAMES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, english, others = line.rstrip("\n").split("\t")
            yield code, english, others


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    """code -> its English CLDR name."""
    return {code: english for code, english, _ in _rows()}


@lru_cache(maxsize=1)
def _iso() -> dict[str, tuple[str, ...]]:
    """code -> pycountry's English names (short, official, common), for every ISO 3166-1 country."""
    import pycountry  # loaded on the first question, not at start-up

    out: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        names = [country.name] + [getattr(country, attr, "") for attr in ("official_name", "common_name")]
        out[country.alpha_2] = tuple(name for name in names if name)
    return out


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, str]:
    import pycountry

    return {country.alpha_3: country.alpha_2 for country in pycountry.countries}


@lru_cache(maxsize=1)
def _withdrawn() -> dict[str, str]:
    """A withdrawn code -> the country that took its place ('NH' New Hebrides -> 'VU'), where
    ISO 3166-3 says so (its four-letter code is the old and the new code side by side)."""
    import pycountry

    current = codes()
    out: dict[str, str] = {}
    for old in pycountry.historic_countries:
        new = getattr(old, "alpha_4", "")[2:]
        if old.alpha_2 not in current and new in current:
            out[old.alpha_2] = new
    return out


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """Every country code a person's country can be."""
    return frozenset(_iso()) | EXTRA_CODES


def _english_variants(name: str) -> list[str]:
    """'Myanmar (Burma)' -> the name whole, without the brackets' words, and those words."""
    inside = re.findall(r"\(([^)]*)\)", name)
    outside = re.sub(r"\([^)]*\)", " ", name)
    return [name] + ([outside] + inside if inside else [])


def _level(index: dict[str, str], pairs: Iterable[tuple[str, str]]) -> None:
    """Add one level of (folded name, code) to ``index``: names a better level has are left
    alone; a name that means two countries within the level is kept as "" (no country), so
    it never picks the wrong one, nor a worse level's guess. Each name counts without its
    spaces too ("cote d ivoire" and "cote divoire" are both 'cotedivoire')."""
    level: dict[str, str] = {}
    for key, code in pairs:
        for form in (key, key.replace(" ", "")):
            if form and form not in index:
                level[form] = code if level.get(form, code) == code else ""
    index.update(level)


def _english_pairs() -> Iterator[tuple[str, str]]:
    english = _english()
    for code in codes():
        for name in (*_iso().get(code, ()), english.get(code, "")):
            for variant in _english_variants(name) if name else ():
                yield fold(variant), code


def _other_pairs() -> Iterator[tuple[str, str]]:
    valid = codes()
    for code, _, others in _rows():
        if code in valid and others:
            for key in others.split("|"):
                yield key, code


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """folded name -> code ("" for a name that means several). The aliases first, then the
    English names (pycountry's and CLDR's), then every other language's: in one language
    "Kongo" is either Congo, so it finds neither."""
    index: dict[str, str] = {}
    _level(index, ((fold(name), code) for name, code in ALIASES.items()))
    _level(index, _english_pairs())
    _level(index, _other_pairs())
    return index


def find_country(text: str | None, *, codes_too: bool = True) -> str | None:
    """'UK', 'united kingdom', 'gb', 'Côte d'Ivoire', 'Deutschland', 'IND' -> its ISO 3166-1
    alpha-2 code; None when it names no country. ``codes_too``: a two-letter code ('gb', any
    case) or a three-letter one typed in capitals ('IND') counts too (not for a time zone
    question, where 'no' is not Norway)."""
    if not text or not text.strip():
        return None
    key = fold(text)
    if codes_too:
        if re.fullmatch(r"[a-z]{2}", key) and key not in ALIASES:
            code = key.upper()
            if code in codes():
                return code
            return _withdrawn().get(code)
        raw = text.strip()
        if re.fullmatch(r"[A-Z]{3}", raw) and raw in _alpha3():
            return _alpha3()[raw]
    index = _index()
    return index.get(key, index.get(key.replace(" ", ""))) or None


def country_name(code: str) -> str:
    """The country's English name as CLDR writes it ('Côte d’Ivoire', 'United States');
    the code itself when unknown."""
    english = _english()
    if code in english:
        return english[code]
    names = _iso().get(code)
    return names[-1] if names else code
