"""Each journal entry keeps the question it answered, encrypted like its words, and /journal
and /export show it above the answer; entries from before show their words alone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bot.core.commands.journal import paginate
from bot.domain import Event, EventKind
from bot.engine.questions import shorten
from bot.engine.templates import visible_length
from bot.storage.types import utcnow
from tests.conftest import build_runtime
from tests.console.helpers import ONBOARD, Person
from tests.engine.test_questions import LONG_ASK, asked_folder

USER = "console:sam"
SCALE = "Hello, Sam.\nOn a scale of 1 to 10, how heavy does today feel?"
LETTER = "Write to Little Sam in one message or several. What do they need to hear?"


@pytest.fixture
def asked_runtime(tmp_path, clock, db_url):
    runtime = build_runtime(db_url, clock, tmp_path, dialogues_dir=asked_folder(tmp_path))
    yield runtime
    runtime.database.dispose()


def entries(runtime) -> list[tuple[str, str | None]]:
    """(text, question) of each entry, oldest first."""
    with runtime.database.transaction() as repo:
        return [(e.text, e.question) for e in reversed(repo.journal(repo.find_person(USER)))]


def journal_html(runtime) -> str:
    result = runtime.companion.handle(Event(USER, EventKind.COMMAND, text="/journal"))
    return result.replies[0].text


def answer_all(person: Person) -> None:
    person.say("/start asked", "6", "In my chest.", "You were never too much.", "You can rest now.", "1")  # 1: That's all


def test_each_answer_keeps_its_question_and_parts_keep_it_once(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    person.onboard()
    answer_all(person)
    assert entries(asked_runtime) == [
        ("6", SCALE),
        ("In my chest.", shorten(LONG_ASK)),
        ("You were never too much.\n\nYou can rest now.", LETTER),
    ]


def test_the_question_is_stored_encrypted(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    person.onboard()
    answer_all(person)
    with asked_runtime.database.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("select question from journal_entries"))]
    assert len(stored) == 3 and all(token and "heavy" not in token and "Little Sam" not in token for token in stored)


def test_journal_shows_the_question_in_italics_above_the_answer(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    person.onboard()
    answer_all(person)
    shown = journal_html(asked_runtime)
    assert shown.endswith("<i>15 Jan 2026 · Asked</i>\n<i>Hello, Sam.\nOn a scale of 1 to 10, how heavy does today feel?</i>\n6")
    assert f"<i>{LETTER}</i>\nYou were never too much.\n\nYou can rest now." in shown
    assert shown.count("What do they need to hear?") == 1  # an answer in parts: its question once
    console = person.say("/journal")
    assert "On a scale of 1 to 10, how heavy does today feel?\n6" in console


def test_a_name_and_an_answer_with_html_are_escaped_and_the_writers_tags_are_not_kept(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    onboarding = list(ONBOARD)
    onboarding[6:7] = ["Sam <b>& Co</b>", "Yes, keep it"]  # an odd name is confirmed first
    person.say(*onboarding)
    person.say("/start asked", "<i>6</i> & more")
    assert entries(asked_runtime)[0] == ("<i>6</i> & more", "Hello, Sam <b>& Co</b>.\nOn a scale of 1 to 10, how heavy does today feel?")
    shown = journal_html(asked_runtime)
    assert (
        "<i>Hello, Sam &lt;b&gt;&amp; Co&lt;/b&gt;.\nOn a scale of 1 to 10, how heavy does today feel?</i>\n&lt;i&gt;6&lt;/i&gt; &amp; more"
        in shown
    )
    assert "<b>On a scale" not in shown and "On a scale" in shown


def test_an_entry_from_before_shows_its_words_alone(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    person.onboard()
    with asked_runtime.database.transaction() as repo:
        repo.add_journal(repo.find_person(USER), "asked", "q_scale", "4", utcnow())  # no question, as before 0006
    shown = journal_html(asked_runtime)
    assert "· Asked</i>\n4" in shown and "<i></i>" not in shown


def test_pages_count_the_questions_and_stay_within_telegram_s_limit(asked_runtime) -> None:
    person = Person(asked_runtime.companion)
    person.onboard()
    with asked_runtime.database.transaction() as repo:
        me = repo.find_person(USER)
        for number in range(40):
            repo.add_journal(me, "asked", "q_body", f"entry {number}: " + "words & more " * 10, utcnow(), question=shorten(LONG_ASK))
    pages = []
    result = asked_runtime.companion.handle(Event(USER, EventKind.COMMAND, text="/journal"))
    while True:
        reply = result.replies[0]
        pages.append(reply.text)
        older = [b for b in reply.buttons if b.label == "Older entries"]
        if not older:
            break
        result = asked_runtime.companion.handle(Event(USER, EventKind.BUTTON, data=older[0].data))
    assert len(pages) > 1
    assert all(visible_length(page) <= 4096 for page in pages)
    assert sum(page.count("notice it most, today?") for page in pages) == 40


def test_paginate_counts_the_question() -> None:
    class Entry:
        def __init__(self, question: str | None):
            self.text, self.question = "x" * 100, question

    assert len(paginate([Entry(None) for _ in range(10)], 1600)) == 1
    assert len(paginate([Entry("q" * 200) for _ in range(10)], 1600)) == 3


def test_export_has_the_question_above_each_answer(asked_runtime, tmp_path) -> None:
    person = Person(asked_runtime.companion, export_dir=tmp_path / "export")
    person.onboard()
    answer_all(person)
    person.say("/export")
    (folder,) = (tmp_path / "export").iterdir()  # the export's own folder
    journal = (folder / "innerchild-journal.txt").read_text()
    assert "· Asked · q scale\nQ: Hello, Sam.\nOn a scale of 1 to 10, how heavy does today feel?\n6\n" in journal
    assert f"· Asked · q letter\nQ: {LETTER}\nYou were never too much.\n\nYou can rest now.\n" in journal
    data = json.loads((folder / "innerchild-data.json").read_text())
    assert [(e["text"], e["question"]) for e in data["journal"]] == entries(asked_runtime)
