"""Typed answers at a step of buttons (bot/engine/meanings.py), read with the shipped
dialogues/meanings.yaml: what presses a button, and what is left to ``otherwise``.

The cases are the ones that matter at "Are you safe right now?": a wrong guess towards
"safe" is the costly one, so every doubtful reading must come out as not understood."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.meanings import Choice, Meanings, load_meanings, normalise
from tests.conftest import ROOT

MEANINGS, PROBLEMS = load_meanings(ROOT / "dialogues")
SAFE, NOT_SAFE, NUMBERS, COUNTRY = "0", "1", "2", "3"


def are_you_safe() -> list[Choice]:
    return [
        Choice(SAFE, "I'm safe for now", MEANINGS.phrases(["plain_yes", "safe"])),  # as the cards ask it
        Choice(NOT_SAFE, "I'm not safe", MEANINGS.phrases(["no", "not_safe"])),
        Choice(NUMBERS, "More numbers", MEANINGS.phrases(["numbers"])),
        Choice(COUNTRY, "Set my country", MEANINGS.phrases(["country"])),
    ]


def test_the_shipped_file_reads_cleanly() -> None:
    assert PROBLEMS == []
    assert {"yes", "no", "not_sure", "safe", "not_safe", "real_person"} <= set(MEANINGS.table)


@pytest.mark.parametrize("text", ["no", "No.", "nope", "nah", "n", "NO!!", "no, not really", "I'm not safe", "im not safe",
                                  "i dont feel safe", "I don't feel safe at all", "help", "please help me", "i am not",
                                  "right now im not ok", "not ok", "i'm in danger",
                                  "no i'm safe"])  # the safe words after "no" are read as negated: the careful way
def test_not_safe(text: str) -> None:
    assert MEANINGS.understand(text, are_you_safe()) == NOT_SAFE


@pytest.mark.parametrize("text", ["yes", "Yes.", "yeah im ok", "y", "ok im safe", "I'm safe for now", "i’m safe", "safe", "I am safe now"])
def test_safe(text: str) -> None:
    assert MEANINGS.understand(text, are_you_safe()) == SAFE


@pytest.mark.parametrize("text", [
    "not sure if i am safe",  # a doubt is never read as safe
    "idk", "maybe", "No, I'm safe",  # contradictory: asked again, with the numbers
    "ok", "okay", "sure", "i think so",  # may only acknowledge the numbers: asked again
    "I am scared", "no one cares", "what do you mean", "", "🙂", "....",
])
def test_doubt_and_contradiction_are_not_understood(text: str) -> None:
    assert MEANINGS.understand(text, are_you_safe()) is None


def test_other_buttons_by_meaning_and_label() -> None:
    assert MEANINGS.understand("more numbers please", are_you_safe()) == NUMBERS
    assert MEANINGS.understand("i live in germany", are_you_safe()) == COUNTRY
    assert MEANINGS.understand("SET MY COUNTRY", are_you_safe()) == COUNTRY


def test_a_one_word_phrase_counts_only_near_the_start() -> None:
    choices = [Choice("0", "Yes", MEANINGS.phrases(["yes"])), Choice("1", "No", MEANINGS.phrases(["no"]))]
    assert MEANINGS.understand("no", choices) == "1"
    assert MEANINGS.understand("i was thinking about it all day and honestly no", choices) is None


def test_a_meaning_no_button_has_is_not_understood() -> None:
    choices = [Choice("0", "Yes", MEANINGS.phrases(["yes"])), Choice("1", "No", MEANINGS.phrases(["no"]))]
    assert MEANINGS.understand("not sure", choices) is None  # not_sure is heard, and no button means it
    assert MEANINGS.understand("yes", choices) == "0"


def test_labels_alone_without_means() -> None:
    choices = [Choice("0", "Let's begin", ()), Choice("1", "Not today", ())]
    assert MEANINGS.understand("let's begin", choices) == "0"
    assert MEANINGS.understand("Not today.", choices) == "1"
    assert MEANINGS.understand("ok", choices) is None  # a meaning, but no button here means it


@pytest.mark.parametrize("text", ["are you a real person?", "Are you real", "is this a bot??", "r u real", "am I talking to a human",
                                  "wait, is anyone reading this",
                                  "you're a bot", "youre just a bot lol", "you're not real"])
def test_real_person_is_heard(text: str) -> None:
    assert MEANINGS.heard(text, "real_person")


@pytest.mark.parametrize("text", ["my real person friend", "i feel like a robot", "a real human connection would help"])
def test_real_person_is_not_heard_in_ordinary_words(text: str) -> None:
    assert not MEANINGS.heard(text, "real_person")


def test_normalise() -> None:
    assert normalise("I’M  Not—SAFE!") == "im not safe |"


def test_a_broken_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "meanings.yaml").write_text('"yes": ["yes"]\nno: [no, nope]\nfalse: [x]\nBad-Name: ["x"]\n', encoding="utf-8")
    meanings, problems = load_meanings(tmp_path)
    messages = [f"{p.line}: {p.message}" for p in problems]
    assert any(m.startswith("3: meaning name 'False'") for m in messages), messages
    assert any("Bad-Name" in m for m in messages), messages
    assert isinstance(meanings, Meanings) and "yes" in meanings
    assert meanings.phrases(["no"]) == ("no", "nope")  # a bare no is a word (YAML 1.2), as a name and a phrase
