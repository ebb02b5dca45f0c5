"""``looks_like_name``: what is kept at once at a name question, and what is asked about first."""

from __future__ import annotations

import pytest

from bot.names import Doubt, doubt, looks_like_name

NAMES = [
    "Sam", "Little Sam", "Mimi", "Bean", "Zoë", "Jean-Luc", "O'Brien", "O’Brien", "D'Angelo", "Anne-Marie",
    "Mary Ann", "J.R.", "Dr. Sam", "little me", "younger me", "the kid", "Little one", "my little one",
    "inner child", "Kiddo", "Sunny", "Will", "Hope", "Joy", "Al", "Jo", "Bo", "Ty",
    # other scripts and alphabets
    "小明", "明", "さくら", "アレクサンドラ", "민준", "Александр", "Саша", "Αλέξανδρος", "محمد", "דוד",
    "राम", "Ngozi", "Siobhán", "José", "Björk", "Łukasz", "Nguyễn Văn An", "Çağla", "Øystein", "l·l",
    "  Sam  ", "sam",
]

UNSURE = [
    "idk", "IDK", "i don't know", "I dont know", "dunno", "not sure", "I'm not sure", "no", "No.", "nope",
    "nah", "no thanks", "nothing", "none", "nobody", "no one", "whatever", "Whatever.", "skip", "pass",
    "this is stupid", "This is so stupid", "stupid", "dumb", "why", "why do you need that", "why?",
    "none of your business", "who cares", "I don't care", "doesn't matter", "no idea", "hmm", "maybe",
    "up to you", "I'd rather not", "no name", "I can't think of one", "not now", "n/a",
    "meh", "lol", "hello", "Silly Billy", "lame", "crap", "rubbish", "what's the point", "my dad died", "I hate myself",
    "je ne sais pas", "keine Ahnung", "no sé", "не знаю", "不知道", "わからない", "모르겠어요",
]

ODD = [
    "Sam!", "Sam?", "what?", "42", "007", "Sam 2", "🌟", "🙂🙂", "!!!", "...", "-", "Sam, please",
    "I like the name Bean", "call me Sam", "my name is Sam", "I'm Sam", "it is Sam", "you know who",
    "Mr Fluffy Pants The Third", "a b c d e", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "我不知道你为什么要问这个",
    "<b>Sam</b>", "sam@example.com", "“Bean”",
]

YES = ["yes", "Yes!", "ok", "okay", "sure", "yeah", "Of course", "fine", "cool"]


@pytest.mark.parametrize("text", NAMES)
def test_names_are_names(text: str) -> None:
    assert looks_like_name(text), text
    assert doubt(text) is None


@pytest.mark.parametrize("text", UNSURE)
def test_doubt_refusal_and_scepticism_are_not_quoted(text: str) -> None:
    assert not looks_like_name(text)
    assert doubt(text) is Doubt.UNSURE


@pytest.mark.parametrize("text", ODD)
def test_other_answers_are_asked_about(text: str) -> None:
    assert not looks_like_name(text)
    assert doubt(text) is Doubt.ODD


@pytest.mark.parametrize("text", YES)
def test_yes_is_a_wish_to_choose(text: str) -> None:
    assert doubt(text) is Doubt.YES


def test_empty_is_not_a_name() -> None:
    assert not looks_like_name("")
    assert not looks_like_name("   ")
