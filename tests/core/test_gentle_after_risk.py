"""For a day after a concern or crisis card (or abuse, danger or self-harm told), the menu
never suggests a heavy script, and a finished dialogue offers steadying things first."""

from __future__ import annotations

from bot.app import check_dialogues
from bot.core.commands.navigation import suggest
from tests.conftest import ROOT
from tests.console.helpers import Person

LIBRARY, _ = check_dialogues(ROOT / "dialogues")


def test_the_gentle_suggestion_is_never_heavy() -> None:
    scripts = [s for s in LIBRARY.listed() if s.phase in ("safety", "contact", "reparenting", "integration")]
    done = {s.id: True for s in scripts if s.phase == "safety"}  # next along the arc: a heavy one
    assert suggest(scripts, done).heavy
    gentle = suggest(scripts, done, gentle=True)
    assert gentle is not None and not gentle.heavy


def test_after_a_disclosure_a_finished_exercise_offers_steadying_things(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("my stepdad used to hit me")
    person.say("/start grounding", "Not now")
    assert person.buttons == ["My safety plan", "A calming minute", "Rest for now"]


def test_a_day_later_the_usual_way_back(runtime, clock) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start noticing_patterns", "1", "I was abused as a kid")
    clock.advance(hours=25)
    out = person.say("/start grounding", "Not now")
    assert "right where we paused" in out
