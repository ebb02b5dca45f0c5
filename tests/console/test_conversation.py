"""The companion's behaviour as a console person meets it, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import text

from bot.domain import Event, EventKind
from tests.console.helpers import Person


def test_onboarding_finishes_and_the_menu_shows_progress(companion) -> None:
    person = Person(companion)
    out = person.onboard()
    assert "Welcome, Sam." in out
    menu = person.say("/menu")
    assert re.search(r"Arrive: 1 of \d+ done", menu)  # onboarding done; the phase may hold more scripts
    assert "A gentle next step" in menu


def test_pause_and_resume_keep_the_place(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start safety_plan", "1")
    assert "What tells you a hard time might be coming?" in person.say("/pause", "/resume")
    out = person.say("Skipping meals")
    assert "What helps you get through" in out


def test_a_stale_button_gets_a_gentle_note_and_the_current_step(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start grounding")
    old_buttons = person.chat.buttons
    person.say("1")  # I'm ready -> breathe
    reply = companion.handle(Event("console:sam", EventKind.BUTTON, data=old_buttons[0].data))
    texts = [r.text for r in reply.replies]
    assert texts[0].startswith("That button belongs to an earlier moment")
    assert "Place one hand on your chest" in texts[-1]
    assert [b.label for b in reply.replies[-1].buttons] == ["Done", "Pause for now"]


def test_text_where_a_button_is_expected_reprompts_kindly(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start grounding")
    out = person.say("what do I do now?")
    assert "tap one of the buttons below" in out
    assert "I'm ready" in out


def test_unsupported_messages_change_nothing(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start grounding", "1")
    for what in ("sticker", "photo", "voice", "document", "location"):
        result = companion.handle(Event("console:sam", EventKind.UNSUPPORTED, what=what))
        assert result.replies[0].text.startswith("I can only read text")
        assert [b.label for b in result.replies[-1].buttons] == ["Done", "Pause for now"]
    assert "Now look around you" in person.say("1")


def test_a_very_long_message_is_not_taken_and_nothing_is_lost(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start safety_plan", "1")
    out = person.say("x" * 20_000)
    assert "a few shorter parts" in out
    assert "What helps you get through" not in out
    assert "What helps you get through" in person.say("Late nights")


def test_a_redelivered_update_changes_nothing_twice(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("/start safety_plan", "1")
    event = Event("console:sam", EventKind.TEXT, text="Not sleeping", update_key="tg:42")
    first = companion.handle(event)
    second = companion.handle(event)
    assert first.replies and not first.duplicate
    assert second.duplicate and not second.replies
    assert person.say("/journal").count("Not sleeping") == 1


def test_odd_unicode_and_html_in_names_are_shown_as_written(companion) -> None:
    person = Person(companion)
    person.say("1", "1", "1", "1", "1", "1")
    out = person.say("<b>Sam</b> & co 🌱\u200b")
    assert 'Shall I call you "<b>Sam</b> & co 🌱"?' in out  # not much like a name: asked first
    out = person.say("Yes, keep it")
    assert "Would you like to choose one, <b>Sam</b> & co 🌱?" in out
    reply = companion.handle(Event("console:sam", EventKind.COMMAND, text="/start"))
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp; co" in reply.replies[0].text or "Welcome back" in reply.replies[0].text


def test_the_program_waits_for_consent(companion) -> None:
    person = Person(companion)
    person.say("1", "1", "1")  # at the consent step
    out = person.say("/menu")
    assert "Is that okay with you?" in out
    out = person.say("/start grounding")  # grounding is open to everyone
    assert "Let's slow down together" in out


def test_under_18_gets_youth_support_and_no_program(companion) -> None:
    person = Person(companion)
    out = person.say("1", "1", "2")
    assert "are you under 18?" in out and "childhelplineinternational.org" not in out  # asked once more first
    out = person.say("1")
    assert "childhelplineinternational.org" in out
    out = person.say("/menu")
    assert "for adults" in out  # the youth card, in its later-visit words
    assert "Your path" not in out
    out = person.say("hello?")
    assert "childhelplineinternational.org" in out and "Open the menu" not in out


def test_a_wrong_tap_on_under_18_is_asked_about_before_the_program_closes(companion) -> None:
    person = Person(companion)
    out = person.say("1", "1", "2")
    assert person.buttons == ["Yes, I'm under 18", "No, I'm 18 or over"]
    out = person.say("2")  # "No, I'm 18 or over": the tap was wrong
    assert "Is that okay with you?" in out and "childhelplineinternational.org" not in out
    person.say("1")  # agrees
    assert "Your path" in person.say("/menu")


def test_under_18_can_correct_a_wrong_answer_from_start(companion) -> None:
    person = Person(companion)
    person.say("1", "1", "2", "1")  # under 18, and yes, under 18
    out = person.say("hello?")
    assert "I tapped the wrong answer" not in out  # the way back is not under every message
    out = person.say("/start")
    assert "childhelplineinternational.org" in out  # youth support first, whatever comes after
    assert person.buttons == ["I tapped the wrong answer"]
    out = person.say("1")
    assert "Just to check, are you 18 or older?" in out
    assert person.buttons == ["Yes, I'm 18 or over", "No, I'm under 18"]
    out = person.say("1")
    assert "Is that okay with you?" in out  # on to consent, as onboarding goes on from the age
    person.say("1", "1", "1", "1", "1", "2")  # agrees, skips the rest
    assert "Your path" in person.say("/menu")


def test_saying_under_18_again_keeps_the_program_closed(companion) -> None:
    person = Person(companion)
    person.say("1", "1", "2", "1")
    person.say("/start")
    out = person.say("1", "2")  # "I tapped the wrong answer", then "No, I'm under 18"
    assert "childhelplineinternational.org" in out
    out = person.say("/menu")
    assert "Your path" not in out and "childhelplineinternational.org" in out
    out = person.say("/start age_again")  # typed, the deep link asks the same one question
    assert "Just to check, are you 18 or older?" in out


def test_an_adult_pressing_an_old_wrong_answer_button_is_not_asked_their_age(companion) -> None:
    person = Person(companion)
    person.onboard()
    out = person.say("/start age_again")
    assert "18 or older" not in out and "Welcome back" in out


def test_declining_consent_is_respected(companion) -> None:
    person = Person(companion)
    out = person.say("1", "1", "1", "2")
    assert "I won't go further without your agreement" in out
    assert "Hello, and welcome" in person.say("/menu")  # the welcome starts again


def test_changed_consent_text_asks_again(runtime) -> None:
    companion = runtime.companion
    person = Person(companion)
    person.onboard()
    companion.consent_version = 2  # as if an operator raised consent_version
    out = person.say("/menu")
    assert "We've updated how this companion works" in out
    out = person.say("1")
    assert "Everything you wrote before is still here" in out
    assert "Your path" in person.say("/menu")


def test_journal_reads_back_newest_first_in_pages(companion, clock) -> None:
    person = Person(companion)
    person.onboard()
    assert "Your journal is empty" in person.say("/journal")
    person.say("/start safety_plan", "1")
    for i in range(4):
        clock.advance(minutes=1)
        person.say(f"answer {i} " + "words " * 150)
    out = person.say("/journal")
    assert out.index("answer 3") < out.index("answer 2")
    assert "page 1 of" in out and "Older entries" in out
    assert "answer 0" in person.say(str(person.buttons.index("Older entries") + 1))


def test_unknown_command_and_help(companion) -> None:
    person = Person(companion)
    person.onboard()
    assert "I don't know that command" in person.say("/frobnicate")
    assert "/pause" in person.say("/help")


def test_database_survives_a_new_companion(runtime, clock, tmp_path) -> None:
    """A restart: a new process on the same database continues at the same step."""
    from tests.conftest import build_runtime

    person = Person(runtime.companion)
    person.onboard()
    person.say("/start safety_plan", "1", "Skipping meals")
    runtime.database.dispose()
    again = build_runtime(runtime.settings.database_url, clock, tmp_path)
    try:
        out = Person(again.companion).out.getvalue()
        assert "Welcome back, Sam" in out
        assert "What helps you get through" in out
        with again.database.engine.connect() as connection:
            assert connection.execute(text("select count(*) from journal_entries")).scalar() == 1
    finally:
        again.database.dispose()
