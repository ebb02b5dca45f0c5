"""Every support card, every step, rendered for several countries: SAFETY.md's safe-messaging
rules hold (resources given, help works, no method details, no promise of presence, no pause),
and every step of buttons understands typed answers (never "please tap a button")."""

from __future__ import annotations

import re

import pytest

from bot.app import check_dialogues
from bot.core.context import support_context
from bot.engine import SessionState
from bot.engine.context import sample_context
from bot.engine.machine import CompiledScript
from tests.conftest import ROOT

LIBRARY, PROBLEMS = check_dialogues(ROOT / "dialogues")
CARDS = ("crisis", "concern", "distress", "danger", "self_harm", "disclosure", "sos")
URGENT = ("crisis", "danger", "self_harm")  # cards for danger now: a number in the first words
COUNTRIES = ("GB", "US", "JP", "IN", "CA", "BR", "DE", None)
# Methods, means and places are never named (SAFETY.md); "anything you could use to hurt
# yourself" is how the cards speak of means.
METHOD_WORDS = re.compile(
    r"\b(overdos\w*|pills?|tablets?|paracetamol|rope|noose|hang(ing)?|bridge|jump(ing)?|razor\w*|blades?|"
    r"knife|knives|gun|poison\w*|bleach|cutting|cuts?|slit|wrists?|veins?|lethal|dose)\b",
    re.IGNORECASE,
)
PROMISES = ("staying right here", "still here with you", "stay with you", "i hear you", "not going anywhere", "i'm watching")


def context(country: str | None) -> dict[str, object]:
    values = sample_context("")
    values["support"] = support_context(country)
    return values


def compiled(card: str) -> CompiledScript:
    script = LIBRARY.get(card)
    assert script is not None, f"{card} is not loaded: {PROBLEMS[:3]}"
    return script


def rendered(card: str, country: str | None) -> dict[str, str]:
    """Each step's words and button labels, as a person sees them."""
    script = compiled(card)
    shown = {}
    for name in script.script.steps:
        replies = script.view(SessionState(dialogue=card, state=name), context(country))
        shown[name] = "\n".join(r.text + "\n" + " | ".join(b.label for b in r.buttons) for r in replies)
    return shown


def test_the_shipped_scripts_load() -> None:
    assert PROBLEMS == []
    for card in CARDS:
        assert compiled(card).script.phase == "support"


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("card", CARDS)
def test_no_method_details_no_promises_no_pause(card: str, country: str | None) -> None:
    for step, words in rendered(card, country).items():
        lowered = words.casefold().replace("’", "'")
        assert not METHOD_WORDS.search(words), f"{card}.{step}: {METHOD_WORDS.search(words)}"
        assert not any(p in lowered for p in PROMISES), f"{card}.{step}"
        assert "Pause for now" not in words, f"{card}.{step}"
        assert "{{" not in words and "{%" not in words, f"{card}.{step}"


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("card", URGENT)
def test_cards_for_danger_now_give_a_number_at_once(card: str, country: str | None) -> None:
    support = support_context(country)
    first = "urgent" if card == "self_harm" else compiled(card).script.start
    words = rendered(card, country)[first]
    if country is None:
        assert "your local emergency number" in words
        return
    number = str(support["police"] or support["emergency"]) if card == "danger" else str(support["emergency"])
    assert number and number in words, f"{card} for {country}: {number} not in the first step"


@pytest.mark.parametrize("card", ("crisis", "concern", "self_harm", "danger"))
def test_help_works_is_said(card: str) -> None:
    words = " ".join(rendered(card, "GB").values()).casefold()
    assert "help works" in words or "come through" in words or "get through" in words or "deserve to be safe" in words


def test_the_neutral_card_presumes_nothing() -> None:
    words = " ".join(rendered("sos", "GB").values()).casefold()
    for presumption in ("these thoughts", "end your life", "ending your life", "suicid", "kill"):
        assert presumption not in words


def test_a_disclosure_is_met_with_not_your_fault() -> None:
    words = " ".join(rendered("disclosure", "GB").values()).casefold()
    assert "not your fault" in words


def test_danger_gives_the_police_and_a_violence_line() -> None:
    words = " ".join(rendered("danger", "GB").values())
    assert "999" in words and "0808 2000 247" in words
    assert "deserve to be safe" in words.casefold()
    assert "confront" not in words.casefold()


@pytest.mark.parametrize("card", [c for c in CARDS] + ["youth", "reconsent"])
def test_every_step_of_buttons_understands_typed_words(card: str) -> None:
    """Words no button means go where ``otherwise`` says, and each button's own label
    typed presses it: never None (which would be "please tap one of the buttons")."""
    script = compiled(card)
    for name, step in script.script.steps.items():
        if not step.buttons or step.ask:
            continue
        for typed in ("hmm what", "idk", "no", "yes", "this is pointless"):
            result = script.answer(SessionState(dialogue=card, state=name), typed, context("GB"), {})
            assert result is not None, f"{card}.{name}: {typed!r} not understood and no 'otherwise'"
            assert result.replies or result.start or result.finished, f"{card}.{name}: {typed!r} got no reply"
        for button in step.buttons:
            if button.condition:
                continue
            state = SessionState(dialogue=card, state=name)
            typed_result = script.answer(state, button.label, context("GB"), {})
            pressed = script.press(SessionState(dialogue=card, state=name), button.key, context("GB"))
            assert typed_result is not None and pressed is not None
            assert (typed_result.session.state, typed_result.start) == (pressed.session.state, pressed.start), f"{card}.{name}: {button.label}"
