"""The question a journal entry answers: the ``ask`` step's words as the person saw them,
as plain text, shortened when long (``bot/engine/questions.py``), carried by ``SaveAnswer``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import SaveAnswer, SessionState, load_library
from bot.engine.context import sample_context
from bot.engine.questions import QUESTION_LIMIT, question_of, shorten
from bot.profile import PARSERS
from tests.conftest import ROOT

LONG_INTRO = (
    "Some people find that a feeling arrives long before the words for it do, and that is fine. "
    "You don't need to explain it or make it tidy."
)
LONG_ASK = (
    "It might show up as a tight chest, a heavy morning, or a sudden wish to be somewhere else entirely. "
    "Sometimes it is quiet, sometimes loud, and sometimes it changes through the day. "
    "Where in your body do you notice it most, today?"
)

# One script with every kind of question: bubbles with a name and tags, a long one, an answer in parts.
ASKED = f"""
id: asked
title: Asked
phase: always
menu: false  # a test's script: the variety rule is for scripts people meet in /menu
description: Questions kept beside their answers.
minutes: 2
start: scale

steps:
  scale:
    say:
      - Hello{{% if name %}}, {{{{ name }}}}{{% endif %}}.
      - <b>On a scale of 1 to 10</b>, how heavy does today feel?
    ask: q_scale
    then: body

  body:
    say:
      - {LONG_INTRO}
      - {LONG_ASK}
    ask: q_body
    then: letter

  letter:
    say: Write to {{% if child_name %}}{{{{ child_name }}}}{{% else %}}your younger self{{% endif %}} in one message or several. What do they need to hear?
    ask: q_letter
    parts: true
    then: bye

  bye:
    say: Thank you. It's all kept.
    end: true
"""


def asked_folder(tmp_path: Path) -> Path:
    """The shipped dialogues with the ``asked`` script added."""
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    (folder / "asked.yaml").write_text(ASKED, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def asked(tmp_path_factory):
    library, problems = load_library(asked_folder(tmp_path_factory.mktemp("asked")))
    assert [p for p in problems if p.path.name == "asked.yaml"] == []  # (the others want the app's actions)
    return library.get("asked")


def saved(result) -> list[SaveAnswer]:
    return [e for e in result.effects if isinstance(e, SaveAnswer)]


# -- question_of and shorten -----------------------------------------------------------------
def test_a_short_step_is_kept_whole_as_plain_text_one_line_a_bubble() -> None:
    bubbles = ["Hello, Sam &lt;b&gt;&amp; Co&lt;/b&gt;.", "<b>On a scale of 1 to 10</b>, how heavy\n\ndoes today   feel?"]
    assert question_of(bubbles) == "Hello, Sam <b>& Co</b>.\nOn a scale of 1 to 10, how heavy\ndoes today feel?"


def test_nothing_said_is_no_question() -> None:
    assert question_of([]) == "" and question_of(["<i></i>", "  "]) == ""


def test_a_long_step_keeps_the_bubble_that_asks() -> None:
    bubbles = ["A" * 150 + ".", "What do you need right now?", "For example: a glass of water, a kind word, a break."]
    assert question_of(bubbles) == "What do you need right now?"  # the last bubble with a question mark
    assert question_of(["A" * 150 + ".", "B" * 80 + "."]) == "B" * 80 + "."  # none asks: the last one


def test_a_long_bubble_keeps_its_question_at_the_end_and_drops_sentences_before_it() -> None:
    question = shorten(LONG_ASK)
    assert question == "…Sometimes it is quiet, sometimes loud, and sometimes it changes through the day. Where in your body do you notice it most, today?"
    assert len(question) <= QUESTION_LIMIT


def test_a_long_bubble_without_a_question_at_its_end_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = "What would help? " + " ".join(["Something small and kind, like a walk or a cup of tea"] * 6)
    question = shorten(text)
    assert len(question) <= QUESTION_LIMIT and question.startswith("What would help? Something small")
    assert question.endswith("…") and not question.endswith(" …") and not question.endswith(",…")
    assert text.startswith(question[:-1])  # whole words only: the cut falls on a space
    assert text[len(question) - 1] == " "


def test_one_endless_word_is_cut_all_the_same() -> None:
    question = shorten("x" * 500)
    assert question == "x" * (QUESTION_LIMIT - 1) + "…"


def test_a_question_sentence_longer_than_the_limit_keeps_its_start() -> None:
    text = "First a short one. " + "Could it be " + "very " * 60 + "long?"
    question = shorten(text)
    assert question.startswith("…Could it be very") and question.endswith("…") and len(question) <= QUESTION_LIMIT


# -- the engine: SaveAnswer carries the question ------------------------------------------------
def test_an_answer_carries_its_question_as_the_person_saw_it(asked) -> None:
    context = sample_context() | {"name": "Sam <b>& Co</b>"}
    shown = asked.begin(context)
    assert "Sam &lt;b&gt;&amp; Co&lt;/b&gt;" in shown.replies[0].text  # what they saw, escaped
    result = asked.answer(shown.session, "6", context, PARSERS)
    assert saved(result) == [
        SaveAnswer("q_scale", "6", question="Hello, Sam <b>& Co</b>.\nOn a scale of 1 to 10, how heavy does today feel?")
    ]


def test_a_long_step_keeps_its_asking_bubble_shortened(asked) -> None:
    context = sample_context()
    session = SessionState(dialogue="asked", state="body")
    (answer,) = saved(asked.answer(session, "my chest", context, PARSERS))
    assert answer.question == shorten(LONG_ASK) and answer.question.endswith("notice it most, today?")


def test_an_answer_in_parts_has_one_question_that_its_own_words_never_change(asked) -> None:
    context = sample_context()
    session = SessionState(dialogue="asked", state="letter")
    question = "Write to Little Alex in one message or several. What do they need to hear?"
    first = saved(asked.answer(session, "You were never too much.", context, PARSERS))
    second = saved(asked.answer(session, "You can rest now.", context, PARSERS))
    assert first == [SaveAnswer("q_letter", "You were never too much.", part=1, question=question)]
    assert second == [SaveAnswer("q_letter", "You were never too much.\n\nYou can rest now.", part=2, question=question)]
