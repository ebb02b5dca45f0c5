"""Helpline data: well formed, every country has an emergency number, fallback."""

from __future__ import annotations

import csv
import re

import pytest

from safety import resources
from safety.resources import countries, find_country, helplines_for

FIELDS = ["country_code", "country", "name", "phone", "sms", "url", "hours", "source", "last_checked", "note"]


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
        assert r["last_checked"] == "2026-11-22"
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
