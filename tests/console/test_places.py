"""Onboarding in the terminal with places the old hand-written parsing could not read: a
country with an accent and an apostrophe ("Côte d'Ivoire") and a city that is not its zone's
name ("Mumbai", in Asia/Kolkata); "Delhi" and "UTC+5:30" for India too; a country without
crisis lines in the data (Madagascar), kept, with /sos falling back to the directory."""

from __future__ import annotations

import pytest

from tests.console.helpers import Person

CONSENTED = ["1", "1", "1", "1"]  # welcome, okay, adult, consent


def profile(runtime, user: str = "console:sam"):
    with runtime.database.transaction() as repo:
        person = repo.find_person(user)
        return person.country, person.timezone


def test_onboarding_with_cote_divoire_and_mumbai(runtime):
    person = Person(runtime.companion)
    said = person.say(*CONSENTED, "Côte d'Ivoire")
    assert "I couldn't place that country" not in said and "which city or time zone" in said
    said = person.say("Mumbai")
    assert "I couldn't place that time zone" not in said and "What would you like me to call you?" in said
    person.say("Sam", "Little Sam")
    assert profile(runtime) == ("CI", "Asia/Kolkata")
    assert "call 143" in person.say("/sos")  # Côte d'Ivoire's crisis line


def test_a_country_without_lines_is_kept_and_falls_back_to_the_directory(runtime):
    person = Person(runtime.companion)
    said = person.say(*CONSENTED, "Madagascar")  # no rows in safety/data/helplines.csv
    assert "I couldn't place that country" not in said
    person.say("Antananarivo", "Sam", "Little Sam")
    assert profile(runtime) == ("MG", "Indian/Antananarivo")
    assert "findahelpline.com" in person.say("/sos")  # the directory, as for a country we don't know


@pytest.mark.parametrize("country, zone, expected", [("India", "Delhi", ("IN", "Asia/Kolkata")), ("Deutschland", "UTC+5:30", ("DE", "Asia/Kolkata")),
                                                     ("भारत", "India", ("IN", "Asia/Kolkata"))])
def test_other_places_of_india(runtime, country, zone, expected):
    person = Person(runtime.companion)
    person.say(*CONSENTED, country, zone, "Sam", "Little Sam")
    assert profile(runtime) == expected


def test_a_place_that_is_none_still_gets_the_kind_sentences(runtime):
    person = Person(runtime.companion)
    said = person.say(*CONSENTED, "Atlantis")
    assert "I couldn't place that country. Try its name in English, or a code such as GB, US or IN." in said
    said = person.say("1", "Gotham-on-Sea")  # skip the country; a time zone that is nowhere
    assert "I couldn't place that time zone. Try a big city near you (Berlin, Chicago) or UTC+2." in said
    assert profile(runtime) == (None, None)
