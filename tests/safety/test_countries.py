"""Countries read from well-kept data (safety/countries.py): every ISO 3166 country by every
English name pycountry and CLDR (babel) give it, names in other languages, codes, the
project's aliases; words that are no country stay unread; a country without lines in
helplines.csv falls back to the directory; the shipped CLDR file is what its tool makes."""

from __future__ import annotations

import csv

import pytest

from safety import build_country_names
from safety.countries import codes, country_name, find_country, fold
from safety.resources import DATA_FILE, _table, helplines_for

pycountry = pytest.importorskip("pycountry")
babel = pytest.importorskip("babel")


def english_names() -> list[tuple[str, str]]:
    """(name, code) for every English name pycountry and CLDR's English give a country."""
    out = []
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, "")
            if name:
                out.append((name, country.alpha_2))
    for code, name in babel.Locale("en").territories.items():
        if code in codes():
            out.append((name, code))
    return out


def test_every_english_name_pycountry_and_cldr_know_finds_its_country():
    names = english_names()
    assert len(names) > 249 * 2
    wrong = [(name, code, find_country(name)) for name, code in names if find_country(name) != code]
    assert not wrong


def test_every_iso_code_is_a_country_and_finds_itself():
    assert {c.alpha_2 for c in pycountry.countries} <= codes()
    assert all(find_country(code) == code and find_country(code.lower()) == code for code in codes())


@pytest.mark.parametrize(
    "text, code",
    [
        ("Côte d'Ivoire", "CI"), ("Côte d’Ivoire", "CI"), ("cote d ivoire", "CI"), ("COTE DIVOIRE", "CI"), ("Ivory Coast", "CI"),
        ("Costa do Marfim", "CI"), ("Costa de Marfil", "CI"), ("Côte-d'Ivoire", "CI"),
        ("Deutschland", "DE"), ("Allemagne", "DE"), ("Alemania", "DE"), ("Germania", "DE"), ("Niemcy", "DE"),
        ("España", "ES"), ("Espagne", "ES"), ("Brasil", "BR"), ("Österreich", "AT"), ("Schweiz", "CH"), ("Suisse", "CH"),
        ("Svizzera", "CH"), ("Nederland", "NL"), ("Polska", "PL"), ("Sverige", "SE"), ("Norge", "NO"), ("Suomi", "FI"),
        ("Éire", "IE"), ("Magyarország", "HU"), ("Česko", "CZ"), ("México", "MX"), ("Perú", "PE"), ("Türkiye", "TR"),
        ("Россия", "RU"), ("Україна", "UA"), ("Ελλάδα", "GR"), ("日本", "JP"), ("中国", "CN"), ("대한민국", "KR"),
        ("भारत", "IN"), ("Việt Nam", "VN"), ("مصر", "EG"), ("ישראל", "IL"), ("Pilipinas", "PH"),
    ],
)
def test_names_in_other_languages(text, code):
    assert find_country(text) == code


@pytest.mark.parametrize(
    "text, code",
    [("UK", "GB"), ("uk", "GB"), ("united kingdom", "GB"), (" england ", "GB"), ("Great Britain", "GB"), ("USA", "US"),
     ("us", "US"), ("U.S.A.", "US"), ("America", "US"), ("the Netherlands", "NL"), ("Holland", "NL"), ("Russia", "RU"),
     ("South Korea", "KR"), ("Korea", "KR"), ("Czech Republic", "CZ"), ("Turkey", "TR"), ("UAE", "AE"), ("Burma", "MM"),
     ("Trinidad & Tobago", "TT"), ("the Gambia", "GM"), ("Kosovo", "XK"), ("Congo", "CG"), ("DR Congo", "CD")],
)
def test_english_and_the_projects_aliases(text, code):
    assert find_country(text) == code


def test_codes():
    assert find_country("gb") == find_country("GB") == "GB"
    assert find_country("IND") == "IN" and find_country("DEU") == "DE"  # alpha-3 in capitals
    assert find_country("and") is None and find_country("can") is None  # not Andorra, not Canada
    assert find_country("no", codes_too=False) is None and find_country("in", codes_too=False) is None


@pytest.mark.parametrize("old, new", [("NH", "VU"), ("RH", "ZW"), ("YD", "YE")])
def test_withdrawn_codes_lead_to_their_successor(old, new):
    assert find_country(old) == new
    assert helplines_for(old).country_code == new and helplines_for(old).known


@pytest.mark.parametrize("text", [None, "", "   ", "Atlantis", "zz", "xx", "idk", "yes", "nope", "no thanks", "skip", "hello",
                                  "not sure", "im not safe", "asdf", "why do you need that", "pizza", "home", "later", "ok"])
def test_words_that_are_no_country(text):
    assert find_country(text) is None


def test_every_helpline_row_is_a_country():
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        used = {row["country_code"] for row in csv.DictReader(fh)}
    assert used <= codes()


def test_a_country_without_lines_falls_back_to_the_directory():
    without = sorted(codes() - set(_table()))
    assert "CI" in without or without  # some countries have no lines in the data
    for code in without:
        res = helplines_for(code)
        assert res.known is False and res.lines == [] and "emergency number" in res.advice


def test_fold():
    assert fold("Côte d’Ivoire") == fold("cote d'ivoire") == "cote divoire"
    assert fold("The Gambia") == "gambia" and fold("São Paulo") == "sao paulo" and fold("Łódź") == "lodz"
    assert fold("ZÜRICH") == fold("zurich") and fold("St. Kitts & Nevis") == "st kitts and nevis"


def test_country_names_read_as_cldr_writes_them():
    assert country_name("CI") == "Côte d’Ivoire" and country_name("US") == "United States" and country_name("XK") == "Kosovo"


def test_the_shipped_names_are_what_the_tool_makes():
    assert build_country_names.main(["--check"]) == 0
