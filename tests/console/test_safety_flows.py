"""Each safety level's flow through the console: crisis, concern, distress, /sos, the plan."""

from __future__ import annotations

from sqlalchemy import text

from tests.console.helpers import Person


def test_crisis_mid_dialogue_steps_aside_and_never_keeps_the_words_as_an_answer(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start noticing_patterns", "1")
    out = person.say("I am going to kill myself tonight")
    assert "Samaritans" in out and "116 123" in out
    assert "999" in out
    assert "Are you safe right now?" in out
    assert out.index("116 123") < out.index("Are you safe right now?")
    out = person.say("1")  # I'm safe for now
    assert "help works" in out
    out = person.say(str(person.buttons.index("I'm okay for now") + 1))
    assert "right where we paused" not in out  # the exercise waits until they choose it
    assert person.buttons == []
    out = person.say("/start grounding", "Not now")  # any other dialogue ending: steadying things first
    assert person.buttons == ["My safety plan", "A calming minute", "Rest for now"]
    assert "/resume brings it back only when you choose" in out
    out = person.say("/resume")
    assert "What happened?" in out  # the paused step asks its question again
    with runtime.database.engine.connect() as connection:
        assert connection.execute(text("select count(*) from journal_entries")).scalar() == 0
        levels = [row[0] for row in connection.execute(text("select level from safety_events"))]
    assert levels == ["crisis"]


def test_not_safe_gives_the_emergency_number_and_stays(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("i want to die tonight, i have everything ready")
    out = person.say("2")  # I'm not safe
    assert "999" in out
    out = person.say("2")  # I can't right now
    assert "I'm a program, so I can't tell if you stop replying" in out and "999" in out
    assert "still here with you" not in out


def test_concern_asks_directly_and_yes_leads_to_crisis_lines(companion) -> None:
    person = Person(companion)
    person.onboard()
    out = person.say("everyone would be better off without me")
    assert "Are you having thoughts of ending your life?" in out
    out = person.say("1")  # Yes
    assert "116 123" in out and "Are you safe right now?" in out


def test_concern_no_offers_grounding_and_keeps_watching(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("I don't want to be here anymore")
    out = person.say("3")  # No
    assert "A grounding exercise" in out
    out = person.say("I'm going to kill myself")
    assert "Are you safe right now?" in out


def test_distress_offers_grounding_with_a_choice(companion) -> None:
    person = Person(companion)
    person.onboard()
    out = person.say("I'm having a panic attack and can't breathe")
    assert "grounding exercise" in out
    assert person.buttons[:2] == ["Yes, let's try", "Not now"]
    out = person.say("1")
    assert "Let's slow down together" in out


def test_ordinary_and_figurative_messages_do_not_interrupt(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start safety_plan", "1")
    out = person.say("this homework is killing me lol")
    assert "What helps you get through" in out


def test_sos_shows_lines_and_the_safety_plan(companion) -> None:
    person = Person(companion)
    person.onboard()
    out = person.say("/sos")
    assert "116 123" in out and "Make a safety plan" in out
    person.say(str(person.buttons.index("Make a safety plan") + 1), "1")
    person.say("Not sleeping", "Walking the dog", "My sister Ana", "My niece")
    out = person.say("/sos")
    assert "Your safety plan is here too" in out
    out = person.say(str(person.buttons.index("My safety plan") + 1))
    assert "Walking the dog" in out and "My sister Ana" in out and "My niece" in out


def test_unknown_country_gets_a_directory_and_can_set_one(companion) -> None:
    person = Person(companion)
    person.say("1", "1", "1", "1", "1", "1", "1", "1", "2")  # skipped everything
    out = person.say("/sos")
    assert "findahelpline.com" in out
    person.say(str(person.buttons.index("Set my country") + 1))
    out = person.say("Australia")
    assert "13 11 14" in out


def test_safety_events_carry_no_text_and_no_person(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("I want to kill myself")
    with runtime.database.engine.connect() as connection:
        columns = [row for row in connection.execute(text("select * from safety_events"))]
    assert len(columns) == 1
    assert "kill" not in repr(columns[0]).lower()


def test_words_on_a_photo_or_an_edit_are_read_for_safety(companion) -> None:
    from bot.domain import Event, EventKind

    person = Person(companion)
    person.onboard()
    person.say("/start safety_plan", "1")
    caption = companion.handle(Event("console:sam", EventKind.UNSUPPORTED, what="photo", text="goodbye, tonight I end it all"))
    assert any("Are you safe right now?" in r.text for r in caption.replies)
    edited = companion.handle(Event("console:sam", EventKind.UNSUPPORTED, what="edited", text="just a picture of my cat"))
    assert edited.replies[0].text.startswith("I saw you edited a message")


def test_a_very_long_message_is_still_read_for_safety(companion) -> None:
    person = Person(companion)
    person.onboard()
    out = person.say("it has been a long year. " * 800 + "i am going to kill myself tonight")
    assert "Are you safe right now?" in out


def test_a_buttons_own_words_typed_are_its_answer_whatever_the_model_hears(companion) -> None:
    """The learned layer reads "Ready enough" and "go on" as risk; typed at a step whose buttons
    say exactly that (or mean it), they are the answer. Rule-based alarms always step in."""
    person = Person(companion)
    person.onboard()
    out = person.say("/start first_letter", "Ready enough")
    assert "Are you safe right now?" not in out and "Are you having thoughts" not in out
    out = person.say("I want to kill myself")
    assert "Are you safe right now?" in out
    other = Person(companion, "kim")
    other.onboard()
    other.say("my stepdad used to hit me")
    out = other.say("go on")
    assert "Are you having thoughts" not in out and "gently" in out
