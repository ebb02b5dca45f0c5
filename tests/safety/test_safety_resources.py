"""Helpline data: well formed, every country has an emergency number, fallback; kinds,
the data's own order, and the lines checked on 2026-11-29."""

from __future__ import annotations

import csv
import re

import pytest

from safety import resources
from safety.resources import KINDS, UNNAMED_LINE, VIOLENCE_DIRECTORY, countries, find_country, helplines_for

FIELDS = ["country_code", "country", "kind", "rank", "name", "phone", "sms", "url", "hours", "source", "last_checked",
          "note"]
CHECKED = ("2026-11-22", "2026-11-29")
# The 30 countries with the most Telegram users the app plans for (see safety/data/README.md).
TOP30 = ("IN RU ID US BR EG VN MX UA IR TR PH NG PK DE UZ KZ SA IT ES FR GB AR CO BD MY IQ BY DZ MA").split()


def _rows():
    with resources.DATA_FILE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == FIELDS
        return list(reader)


def test_rows_well_formed():
    rows = _rows()
    assert len(rows) > 400
    for r in rows:
        assert None not in r, r  # no extra columns
        assert re.fullmatch(r"[A-Z]{2}", r["country_code"]), r
        assert r["country"] and r["name"] and r["source"], r
        assert r["last_checked"] in CHECKED, r
        assert r["kind"] in KINDS, r
        assert re.fullmatch(r"[1-9]\d*", r["rank"]), r
        assert r["phone"] or r["sms"] or r["url"], r
        assert r["phone"].count("(") == r["phone"].count(")"), r
        if r["phone"]:
            assert re.search(r"\d", r["phone"]), r
        if r["url"]:
            assert r["url"].startswith(("http://", "https://")), r


def test_every_country_has_an_emergency_number():
    for code, name in countries():
        res = helplines_for(code)
        assert res.known and res.country_name == name
        assert re.fullmatch(r"\d[\d ]*", res.emergency), (code, res.emergency)


def test_known_numbers():
    uk = helplines_for("GB")
    assert uk.emergency == "999"
    assert uk.lines[0].name == "Samaritans" and uk.lines[0].phone == "116 123"
    assert helplines_for("US").emergency == "911"
    assert helplines_for("US").lines[0].phone == "988"
    assert all(line.source and line.last_checked for line in uk.lines)


def test_obviously_broken_number_dropped():
    assert all(line.phone != "02 99777" for line in helplines_for("IT").lines)
    assert all("(" not in line.phone or ")" in line.phone for line in helplines_for("RS").lines)


@pytest.mark.parametrize("text", ["UK", "uk", "united kingdom", "United Kingdom", "gb", "GB", " england "])
def test_find_country_uk(text):
    assert find_country(text) == "GB"


@pytest.mark.parametrize("text, code", [("USA", "US"), ("us", "US"), ("germany", "DE"), ("Deutschland", "DE"),
                                        ("trinidad and tobago", "TT"), ("fr", "FR")])
def test_find_country_other(text, code):
    assert find_country(text) == code


@pytest.mark.parametrize("text", [None, "", "Atlantis", "zz", "xx"])
def test_unknown_country_fallback(text):
    res = helplines_for(text)
    assert res.known is False
    assert res.lines == [] and res.emergency == ""
    assert res.directory_url == "https://findahelpline.com"
    assert "emergency number" in res.advice


def test_countries_sorted_and_unique():
    cs = countries()
    assert len(cs) == len({c for c, _ in cs}) >= 190
    assert [n for _, n in cs] == sorted(n for _, n in cs)


def test_one_emergency_row_per_country_and_ranks_unique():
    rows = _rows()
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        key = (r["country_code"], r["kind"], r["rank"])
        assert key not in seen, r  # the data decides the order: no ties
        seen.add(key)
        if r["kind"] == "emergency":
            assert r["name"].startswith("Emergency services"), r
    assert all(r["kind"] != "emergency" or r["name"] != UNNAMED_LINE for r in rows)


def test_rows_checked_on_2026_11_29_name_a_source_they_were_read_from():
    for r in _rows():
        if r["last_checked"] == "2026-11-29":
            assert "http" in r["source"] or "github" in r["source"] or "find_string" in r["source"], r


@pytest.mark.parametrize("code", TOP30)
def test_top30_has_emergency_police_and_a_violence_line(code):
    res = helplines_for(code)
    assert res.known
    assert re.fullmatch(r"\d[\d ]*", res.emergency), res.emergency
    assert re.fullmatch(r"\d+", res.police), res.police
    assert res.violence_lines, code
    police = [r for r in _rows() if r["country_code"] == code and r["kind"] == "police"]
    assert police and all(r["source"] and r["last_checked"] == "2026-11-29" for r in police)
    for line in res.violence_lines:
        assert line.source and line.last_checked == "2026-11-29", line
        assert line.phone or line.sms or line.url


@pytest.mark.parametrize("code", TOP30)
def test_top30_rows_are_all_named(code):
    assert all(r["name"] != UNNAMED_LINE for r in _rows() if r["country_code"] == code)
    res = helplines_for(code)
    for line in [*res.lines, *res.violence_lines, *res.abuse_lines, *res.youth_lines]:
        assert line.name and "name not given" not in line.name


def test_lines_are_crisis_lines_only_in_rank_order():
    for code, _ in countries():
        res = helplines_for(code)
        assert all(line.kind == "crisis" for line in res.lines)
        assert [line.rank for line in res.lines] == sorted(line.rank for line in res.lines)
        assert all(line.kind == "violence" for line in res.violence_lines)
        assert all(line.kind == "abuse" for line in res.abuse_lines)
        assert all(line.kind == "youth" for line in res.youth_lines)


def test_unknown_country_has_no_police_and_no_lines():
    res = helplines_for("Atlantis")
    assert res.police == "" and res.violence_lines == [] and res.abuse_lines == [] and res.youth_lines == []
    assert res.violence_directory == VIOLENCE_DIRECTORY


# The fixes of 2026-11-29 (issue #11).


def test_canada_988_first_and_kids_help_phone_has_a_number():
    ca = helplines_for("CA")
    assert ca.lines[0].phone == "988"
    khp = [line for line in ca.youth_lines if line.name.startswith("Kids Help Phone")]
    assert khp and khp[0].phone == "1-800-668-6868" and "686868" in khp[0].sms


def test_new_zealand_1737_named():
    nz = helplines_for("NZ")
    assert nz.lines[0].phone == "1737" and nz.lines[0].name == "Need to Talk? 1737" and "1737" in nz.lines[0].sms


def test_india_tele_manas_first_and_aasra_demoted():
    lines = helplines_for("IN").lines
    assert lines[0].name.startswith("Tele-MANAS") and "14416" in lines[0].phone
    aasra = [line for line in lines if line.name == "AASRA"]
    assert aasra and lines.index(aasra[0]) >= 2 and "verif" in aasra[0].note


def test_brazil_cvv_188():
    lines = helplines_for("BR").lines
    assert lines[0].name.startswith("CVV") and lines[0].phone == "188"
    assert len([line for line in lines if "188" in line.phone]) == 1  # merged, not twice


def test_south_africa_sadag_named():
    za = helplines_for("ZA").lines
    assert za[0].name == "SADAG Suicide Crisis Helpline" and za[0].phone == "0800 567 567"


def test_japan_tell_number_and_inochi_sos_named():
    jp = helplines_for("JP").lines
    assert any(line.name.startswith("#いのちSOS") and line.phone == "0120-061-338" for line in jp)
    assert any(line.name.startswith("TELL") and line.phone == "03-5774-0992" for line in jp)


def test_spain_024_first():
    assert helplines_for("ES").lines[0].phone == "024"


def test_australia_first_lines_are_for_adults():
    au = helplines_for("AU")
    shown = au.lines[:2]
    assert all("Kids" not in line.name and "youth" not in line.name.lower() for line in shown)
    assert any(line.name.startswith("Kids Helpline") for line in au.youth_lines)


def test_uk_police_violence_and_abuse_lines():
    uk = helplines_for("GB")
    assert uk.police == "999"
    assert uk.violence_lines[0].phone == "0808 2000 247"
    assert any(line.name.startswith("NAPAC") for line in uk.abuse_lines)
    assert any(line.phone == "1-800-656-4673" for line in helplines_for("US").abuse_lines)


def test_support_context_carries_police_violence_and_abuse():
    from bot.core.context import support_context
    from bot.engine.context import SHOWN_LINES, sample_context

    uk = support_context("GB")
    assert uk["police"] == "999" and uk["violence_directory"] == VIOLENCE_DIRECTORY
    assert uk["violence_lines"][0] == {"name": "Refuge National Domestic Abuse Helpline", "phone": "0808 2000 247",
                                       "sms": "", "url": "https://www.nationaldahelpline.org.uk", "hours": "24/7, free"}
    assert len(uk["lines"]) <= SHOWN_LINES and uk["abuse_lines"]
    unknown = support_context("Atlantis")
    assert unknown["police"] == "" and unknown["violence_lines"] == [] and unknown["abuse_lines"] == []
    sample = sample_context()["support"]
    assert isinstance(sample, dict)
    assert sample["police"] == "999" and sample["violence_lines"] and sample["abuse_lines"]
