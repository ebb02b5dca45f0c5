"""A name question (``ask: profile.name``, ``profile.child_name``) confirms an answer that
does not look like a name before keeping it: the step waits, the value survives a restart,
the buttons are stable and typed labels press them, and safety still answers first."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import text as sql

from bot.core.effects import PENDING_NAME
from bot.core.name_prompt import KEEP_KEY
from bot.domain import Event, EventKind
from tests.conftest import FakeClock, build_runtime
from tests.console.helpers import Person

TO_NAME = ["1", "1", "1", "1", "1", "1"]  # welcome, okay, adult, consent, no country, no time zone
CHILD_QUESTION = "Would you like to choose one"


def at_name(companion) -> Person:
    person = Person(companion)
    said = person.say(*TO_NAME)
    assert "What would you like me to call you?" in said
    return person


def profile(runtime, user: str = "console:sam"):
    with runtime.database.transaction() as repo:
        person = repo.find_person(user)
        return person.name, person.child_name


def replies(said: str) -> str:
    """What the companion said, without the echoed lines the person typed."""
    return "\n".join(line for line in said.splitlines() if not line.startswith(">"))


def press(person: Person, data: str) -> str:
    start = len(person.out.getvalue())
    person.chat.play(Event(person.chat.user, EventKind.BUTTON, data=data))
    return person.out.getvalue()[start:]


def test_a_name_is_kept_at_once(runtime):
    person = at_name(runtime.companion)
    assert CHILD_QUESTION in person.say("Zoë")
    assert "before you meet Jean-Luc" in person.say("Jean-Luc")
    assert profile(runtime) == ("Zoë", "Jean-Luc")


def test_an_odd_answer_is_asked_about_and_the_step_waits(runtime):
    person = at_name(runtime.companion)
    said = person.say("Sam 2")
    assert 'Shall I call you "Sam 2"?' in said
    assert person.buttons == ["Yes, keep it", "Type another", "No name for now", "Pause for now"]
    assert profile(runtime) == (None, None)
    assert CHILD_QUESTION in person.say("Yes, keep it")  # the label typed presses it
    assert profile(runtime) == ("Sam 2", None)


def test_yes_keeps_it_and_a_new_name_replaces_it(runtime):
    person = at_name(runtime.companion)
    person.say("Sam!")
    assert CHILD_QUESTION in person.say("yes")
    assert 'Shall I call your younger self "the kid?"?' in person.say("the kid?")
    assert "before you meet little me" in person.say("little me")  # a new answer, read again
    assert profile(runtime) == ("Sam!", "little me")


def test_an_unsure_answer_is_never_quoted_back_and_no_name_moves_on(runtime, caplog):
    caplog.set_level(logging.DEBUG)
    person = at_name(runtime.companion)
    said = replies(person.say("this is stupid"))
    assert "stupid" not in said and "No need to give me a name" in said
    assert person.buttons == ["No name for now", "Type a name", "Pause for now"]
    assert CHILD_QUESTION in person.say("No name for now")
    said = replies(person.say("idk"))
    assert "idk" not in said and 'I can just say "little you"' in said
    assert "before you meet" not in person.say("no")  # no again: no name
    assert profile(runtime) == (None, None)
    assert "stupid" not in caplog.text and "idk" not in caplog.text


def test_type_another_asks_again_with_the_steps_own_buttons(runtime):
    person = at_name(runtime.companion)
    person.say("why do you need that?")
    said = person.say("2")
    assert "Type the name you'd like" in said
    assert person.buttons == ["Skip", "Pause for now"]
    assert CHILD_QUESTION in person.say("Mimi")
    assert profile(runtime) == ("Mimi", None)


def test_yes_at_the_child_question_asks_for_the_name(runtime):
    person = at_name(runtime.companion)
    person.say("Sam")
    said = replies(person.say("yes"))
    assert "Type the name you'd like" in said and "yes" not in said
    assert "before you meet Bean" in person.say("Bean")


def test_no_name_for_now_clears_the_name(runtime):
    person = at_name(runtime.companion)
    person.say("Sam")
    person.say("asdf 123")
    assert "before you meet" not in person.say("No name for now")
    assert profile(runtime) == ("Sam", None)


def test_the_waiting_name_survives_a_restart(db_url: str, clock: FakeClock, tmp_path: Path):
    first = build_runtime(db_url, clock, tmp_path)
    person = at_name(first.companion)
    person.say("Sam 2")
    keep = next(b.data for b in person.chat.buttons if b.label == "Yes, keep it")
    assert keep.endswith(f":{KEEP_KEY}")
    first.database.dispose()

    again = build_runtime(db_url, clock, tmp_path)
    try:
        back = Person(again.companion)
        assert 'Shall I call you "Sam 2"?' in back.out.getvalue()  # shown again on opening
        assert CHILD_QUESTION in press(back, keep)  # the button of the old message still works
        assert profile(again) == ("Sam 2", None)
        assert "earlier moment" in press(back, keep)  # once only
    finally:
        again.database.dispose()


def test_the_waiting_name_is_stored_encrypted(runtime):
    person = at_name(runtime.companion)
    person.say("Sam 2")
    with runtime.database.transaction() as repo:
        raw = [str(row[0]) for row in repo.session.execute(sql("SELECT context FROM dialogue_sessions"))]
    assert raw and not any("Sam 2" in value for value in raw)


def test_safety_answers_first_and_the_question_waits(runtime):
    person = at_name(runtime.companion)
    person.say("idk")
    said = person.say("I want to kill myself")
    assert "Are you safe right now?" in said and "No need to give me a name" not in said
    with runtime.database.transaction() as repo:
        paused = repo.paused_sessions(repo.find_person("console:sam"))
        waiting = [s.context.get(PENDING_NAME) for s in paused if s.dialogue_id == "onboarding"]
    assert waiting == ["idk"]  # kept, encrypted, for when they come back
    assert profile(runtime) == (None, None)


def test_a_paused_question_comes_back_as_it_was(runtime):
    person = at_name(runtime.companion)
    person.say("Sam 2")
    person.say("/pause")
    assert 'Shall I call you "Sam 2"?' in person.say("/resume")
    assert CHILD_QUESTION in person.say("1")
    assert profile(runtime) == ("Sam 2", None)


def test_the_steps_own_skip_still_works_while_a_name_waits(runtime):
    person = at_name(runtime.companion)
    skip = next(b.data for b in person.chat.buttons if b.label == "Skip")
    person.say("Sam 2")
    assert CHILD_QUESTION in press(person, skip)
    assert profile(runtime) == (None, None)
    said = person.say("Bean")
    assert "before you meet Bean" in said
