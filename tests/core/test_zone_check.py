"""A time zone question (``ask: profile.timezone``) asks about an answer that can mean several
zones ("EST", "IST", "Hyderabad", "USA") with a button for each: each button keeps its zone,
typed labels press them, new words are a new answer, the choices survive a restart and are
stored encrypted, a stale button is stale, and nonsense still gets the kind sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text as sql

from bot.core.zone_prompt import KEYS
from bot.domain import Event, EventKind
from tests.conftest import FakeClock, build_runtime
from tests.console.helpers import Person

TO_ZONE = ["1", "1", "1", "1", "1"]  # welcome, okay, adult, consent, no country
ZONE_QUESTION = "which city or time zone are you in?"
NEXT_QUESTION = "What would you like me to call you?"
STEP_BUTTONS = ["Skip", "Pause for now"]


def at_zone(companion) -> Person:
    person = Person(companion)
    assert ZONE_QUESTION in person.say(*TO_ZONE)
    return person


def zone_of(runtime, user: str = "console:sam") -> str | None:
    with runtime.database.transaction() as repo:
        return repo.find_person(user).timezone


def press(person: Person, data: str) -> str:
    start = len(person.out.getvalue())
    person.chat.play(Event(person.chat.user, EventKind.BUTTON, data=data))
    return person.out.getvalue()[start:]


def test_est_is_asked_about_and_the_step_waits(runtime):
    person = at_zone(runtime.companion)
    said = person.say("EST")
    assert 'Which of these do you mean by "EST"?' in said
    assert person.buttons == ["New York City (UTC-5, with summer time)", "UTC-5 all year", *STEP_BUTTONS]
    assert zone_of(runtime) is None
    assert NEXT_QUESTION in person.say("1")
    assert zone_of(runtime) == "America/New_York"


# Each ambiguous abbreviation, each of its buttons, and the zone that button keeps.
BUTTONS = [
    ("EST", 1, "America/New_York"), ("EST", 2, "Etc/GMT+5"),
    ("CST", 1, "America/Chicago"), ("CST", 2, "Asia/Shanghai"), ("CST", 3, "America/Mexico_City"),
    ("IST", 1, "Asia/Kolkata"), ("IST", 2, "Europe/Dublin"), ("IST", 3, "Asia/Jerusalem"),
    ("PST", 1, "America/Los_Angeles"), ("PST", 2, "Asia/Manila"),
    ("GMT", 1, "Europe/London"), ("GMT", 2, "UTC"),
]


@pytest.mark.parametrize("typed, button, zone", BUTTONS)
def test_each_button_keeps_its_zone(runtime, typed, button, zone):
    person = at_zone(runtime.companion)
    person.say(typed)
    assert NEXT_QUESTION in person.say(str(button))
    assert zone_of(runtime) == zone


def test_the_labels_say_the_places_and_offsets(runtime):
    person = at_zone(runtime.companion)
    person.say("IST")
    assert person.buttons == ["India (UTC+5:30)", "Ireland (UTC+0, with summer time)", "Israel (UTC+2, with summer time)", *STEP_BUTTONS]
    person.say("CST")
    assert person.buttons[:3] == ["Chicago (UTC-6, with summer time)", "Shanghai (UTC+8)", "Mexico City (UTC-6)"]


def test_a_typed_label_presses_its_button(runtime):
    person = at_zone(runtime.companion)
    person.say("EST")
    assert NEXT_QUESTION in person.say("UTC-5 all year")
    assert zone_of(runtime) == "Etc/GMT+5"


def test_new_words_are_a_new_answer(runtime):
    person = at_zone(runtime.companion)
    person.say("EST")
    assert NEXT_QUESTION in person.say("Berlin")
    assert zone_of(runtime) == "Europe/Berlin"


def test_a_city_two_countries_share_and_a_country_with_several_zones(runtime):
    person = at_zone(runtime.companion)
    said = person.say("Hyderabad")
    assert "I know more than one Hyderabad. Which is yours?" in said
    assert person.buttons == ["Hyderabad, India (UTC+5:30)", "Hyderabad, Pakistan (UTC+5)", *STEP_BUTTONS]
    said = person.say("USA")
    assert "United States has more than one time zone" in said
    assert person.buttons[:2] == ["New York City (UTC-5, with summer time)", "Chicago (UTC-6, with summer time)"]
    assert NEXT_QUESTION in person.say("2")
    assert zone_of(runtime) == "America/Chicago"


def test_skip_still_skips_while_choices_wait(runtime):
    person = at_zone(runtime.companion)
    person.say("EST")
    assert NEXT_QUESTION in person.say("3")  # the step's own Skip
    assert zone_of(runtime) is None


def test_nonsense_still_gets_the_kind_sentence(runtime):
    person = at_zone(runtime.companion)
    said = person.say("asdf")
    assert "I couldn't place that time zone. Try a big city near you (Berlin, Chicago) or UTC+2." in said
    assert person.buttons == STEP_BUTTONS
    person.say("EST")
    assert "I couldn't place that time zone" in person.say("qwerty")  # choices dropped, a new answer read
    assert person.buttons == STEP_BUTTONS
    assert zone_of(runtime) is None


def test_a_clear_answer_is_kept_at_once(runtime):
    person = at_zone(runtime.companion)
    assert NEXT_QUESTION in person.say("Mumbai")
    assert zone_of(runtime) == "Asia/Kolkata"


def test_the_choices_survive_a_restart_and_a_button_works_once(db_url: str, clock: FakeClock, tmp_path: Path):
    first = build_runtime(db_url, clock, tmp_path)
    person = at_zone(first.companion)
    person.say("EST")
    fixed = next(b.data for b in person.chat.buttons if b.label == "UTC-5 all year")
    assert fixed.endswith(f":{KEYS[1]}")
    first.database.dispose()

    again = build_runtime(db_url, clock, tmp_path)
    try:
        back = Person(again.companion)
        assert 'Which of these do you mean by "EST"?' in back.out.getvalue()  # shown again on opening
        assert NEXT_QUESTION in press(back, fixed)  # the button of the old message still works
        assert zone_of(again) == "Etc/GMT+5"
        assert "earlier moment" in press(back, fixed)  # once only
    finally:
        again.database.dispose()


def test_a_zone_button_with_nothing_waiting_is_stale(runtime):
    person = at_zone(runtime.companion)
    step_data = person.chat.buttons[0].data.rsplit(":", 1)[0]
    assert "earlier moment" in press(person, f"{step_data}:{KEYS[0]}")
    assert zone_of(runtime) is None


def test_the_choices_are_stored_encrypted(runtime):
    person = at_zone(runtime.companion)
    person.say("Hyderabad")
    with runtime.database.transaction() as repo:
        raw = [str(row[0]) for row in repo.session.execute(sql("SELECT context FROM dialogue_sessions"))]
    assert raw and not any("Hyderabad" in value or "Asia/" in value for value in raw)


def test_the_check_ins_zone_question_asks_too(runtime):
    person = Person(runtime.companion)
    person.onboard()  # London
    person.say("/checkins", "1", "2", "5", "5")  # set up, a few days a week, another time, 19:00
    assert "Which time zone are you in?" in person.say("2")  # change it
    assert 'Which of these do you mean by "IST"?' in person.say("IST")
    assert person.buttons == ["India (UTC+5:30)", "Ireland (UTC+0, with summer time)", "Israel (UTC+2, with summer time)", "Use UTC", "Pause for now"]
    assert "quiet hours" in person.say("India (UTC+5:30)")
    assert zone_of(runtime) == "Asia/Kolkata"
