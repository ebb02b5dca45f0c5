"""Words typed outside any conversation: read, never quoted back, and met by their kind."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT, FakeClock, build_runtime
from tests.console.helpers import Person

WHY = """\
id: why_inner_child
title: Why inner child work?
phase: arrive
order: 20
description: What this is and isn't.
minutes: 3
start: hello
steps:
  hello:
    say:
      - one_of: ["It's a fair question.", "A plain answer, then."]
    then: bye
  bye:
    say:
      - one_of: ["That's all.", "That's it for now."]
    end: true
"""


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory):
    """One onboarded person for the module: idle words change nothing a later test reads,
    and onboarding is most of the time a test takes."""
    tmp_path = tmp_path_factory.mktemp("idle")
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    if not (folder / "why_inner_child.yaml").exists():
        (folder / "why_inner_child.yaml").write_text(WHY, encoding="utf-8")
    rest = folder / "rest_without_guilt.yaml"
    text = rest.read_text(encoding="utf-8")
    if "suggest_when" not in text:
        rest.write_text(text.replace("\nsteps:", "\nsuggest_when: [tired, lazy, \"no energy\"]\nsteps:", 1), encoding="utf-8")
    runtime = build_runtime(f"sqlite:///{tmp_path / 'idle.db'}", FakeClock(), tmp_path, dialogues_dir=folder)
    someone = Person(runtime.companion)
    someone.onboard()
    yield someone
    runtime.database.dispose()


@pytest.mark.parametrize("words", ["this is stupid", "idk", "my dad died last month", "I always feel lazy when I sit down", "hello there"])
def test_idle_words_are_never_quoted_back(person: Person, words: str) -> None:
    said = person.say(words)
    assert said.count(words) == 1  # only the person's own line in the transcript


def test_a_doubt_is_offered_the_why(person: Person) -> None:
    person.say("this is stupid")
    assert "Why do this at all?" in person.buttons


def test_something_heavy_gets_steadying_and_people(person: Person) -> None:
    person.say("my dad died last month")
    assert person.buttons == ["A calming minute", "Someone to talk to"]


def test_a_theme_suggests_its_script(person: Person) -> None:
    said = person.say("I always feel lazy when I sit down")
    assert "Rest without guilt" in said
    assert person.buttons[0] == "Try it"
    person.say("1")
    assert "Pause for now" in person.buttons  # the script began
    person.say("/pause")


def test_quiet_words_ask_nothing(person: Person) -> None:
    said = person.say("idk")
    assert "?" not in said.split("idk", 1)[1]
    assert person.buttons == ["Open the menu"]


def test_a_negated_theme_is_not_a_theme(person: Person) -> None:
    person.say("I'm not tired at all")
    assert "Try it" not in person.buttons
