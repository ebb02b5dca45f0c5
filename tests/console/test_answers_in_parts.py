"""Steps that take several messages (``parts: true``): every part is kept in one answer and
one journal entry, the step stays until "That's all", and a flagged part is never kept."""

from __future__ import annotations

from bot.domain import Event, EventKind
from tests.console.helpers import Person

USER = "console:sam"


def journal_texts(runtime) -> list[str]:
    with runtime.database.transaction() as repo:
        person = repo.find_person(USER)
        return [entry.text for entry in repo.journal(person)]


def test_a_journal_entry_in_three_messages_is_kept_whole_and_once(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start journaling", "1")
    parts = ["The first part.", "The second part.", "The third part."]
    for count, part in enumerate(parts, 1):
        out = person.say(part)
        assert "Add more, or tap \"That's all\"" in out
        assert person.buttons == ["That's all", "Pause for now"]
        assert journal_texts(runtime) == ["\n\n".join(parts[:count])]  # one entry, growing
    out = person.say("1")  # That's all
    assert "Thank you for writing that" in out
    assert journal_texts(runtime) == ["The first part.\n\nThe second part.\n\nThe third part."]
    journal = person.say("/journal")
    assert journal.count("The first part.") == 1 and "The third part." in journal


def test_typing_that_s_all_presses_it_and_the_letter_is_read_back_whole(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start first_letter", "1", "4")  # Ready enough, My own way
    person.say("Dear little me,", "you were never too much.")
    out = person.say("That's all")
    assert "Would you like me to show it back to you?" in out
    out = person.say("1")  # Yes, show me
    assert "Dear little me,\n\nyou were never too much." in out
    assert journal_texts(runtime) == ["Dear little me,\n\nyou were never too much."]


def test_a_pause_between_parts_keeps_the_entry_growing(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start journaling", "1", "Before the pause.")
    person.say("2")  # Pause for now
    out = person.say("/resume")
    assert "how are you feeling today?" in out
    assert person.buttons == ["That's all", "Pause for now"]  # the prompt again, and the way on
    person.say("After the pause.", "1")
    assert journal_texts(runtime) == ["Before the pause.\n\nAfter the pause."]


def test_a_flagged_part_is_never_kept_and_the_earlier_parts_stay(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start journaling", "1", "A quiet first part.")
    out = person.say("I am going to kill myself tonight")
    assert "Are you safe right now?" in out
    assert journal_texts(runtime) == ["A quiet first part."]
    with runtime.database.transaction() as repo:
        session = repo.paused_sessions(repo.find_person(USER))[0]
        assert "kill" not in str(session.context)


def test_the_prompt_s_own_buttons_are_stale_once_a_part_is_kept(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start journaling", "1")
    with runtime.database.transaction() as repo:
        step = repo.active_session(repo.find_person(USER)).step
    person.say("A part.")
    result = runtime.companion.handle(Event(USER, EventKind.BUTTON, data=f"d:{step}:skipped"))  # "Skip this one"
    assert "earlier moment" in result.replies[0].text
    assert journal_texts(runtime) == ["A part."]
