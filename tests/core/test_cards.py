"""One card per situation (bot/core/cards.py), from what the detector makes of real words."""

from __future__ import annotations

import pytest

import safety
from bot.core.cards import Card, card_for


@pytest.mark.parametrize(("text", "card"), [
    ("I want to kill myself", Card("crisis")),
    ("i am going to kill myself tonight", Card("crisis")),
    ("I don't want to be here anymore", Card("concern")),
    ("my partner is threatening to hurt me tonight", Card("danger")),
    ("he said he will kill me", Card("danger")),
    ("I feel like cutting myself again", Card("self_harm")),
    ("i cut myself last night", Card("self_harm")),
    ("im cutting right now", Card("self_harm", "urgent")),
    ("my stepdad used to hit me", Card("disclosure")),
    ("I was abused as a kid", Card("disclosure")),
    ("im panicking", Card("distress")),
])
def test_the_card_fits_what_was_said(text: str, card: Card) -> None:
    assert card_for(safety.assess(text)) == card


def test_suicidal_words_win_over_everything_else() -> None:
    both = safety.Assessment(safety.Level.CRISIS, ("harm_from_others", "suicidal_intent"))
    assert card_for(both) == Card("crisis")
    both = safety.Assessment(safety.Level.CONCERN, ("self_harm", "passive_ideation"))
    assert card_for(both) == Card("concern")


def test_an_ordinary_message_has_no_card() -> None:
    assert card_for(safety.assess("this homework is killing me")) is None
    assert card_for(safety.Assessment(safety.Level.NONE)) is None


@pytest.mark.parametrize("card_text", ["my partner is threatening to hurt me tonight", "I feel like cutting myself again"])
def test_suicidal_words_inside_the_danger_or_self_harm_card_bring_the_question(tmp_path, clock, card_text: str) -> None:
    """Those cards answer at crisis level but never ask about ending one's life: concern-level
    suicidal words typed inside them still bring the card that asks."""
    from tests.conftest import build_runtime
    from tests.console.helpers import Person

    runtime = build_runtime(f"sqlite:///{tmp_path / 'cards.db'}", clock, tmp_path)
    try:
        person = Person(runtime.companion)
        person.onboard()
        person.say(card_text)
        said = person.say("everyone would be better off without me")
        assert "thoughts of ending your life" in said or "If you might act on these thoughts" in said
    finally:
        runtime.database.dispose()
