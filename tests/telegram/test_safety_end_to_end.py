"""Each safety level's flow in Telegram: ``innerchild run`` against the fake Bot API server."""

from __future__ import annotations

import pytest

from .e2e import BotProcess, mentions, onboarded, texts

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def bot(tg, tmp_path_factory):
    process = BotProcess(tg, tmp_path_factory.mktemp("bot")).start()
    yield process
    process.close()


def test_crisis_mid_dialogue_gives_lines_first_then_asks_then_steadying_things(tg, bot):
    sam = onboarded(tg, 201)
    sam.say("/start safety_plan")
    sam.tap("Let's write it", until=mentions("What tells you"))
    crisis = sam.say("i'm going to end my life tonight", until=mentions("Are you safe right now?"))
    shown = texts(crisis)
    assert shown.index("116 123") < shown.index("Are you safe right now?")
    assert "<b>999</b>" in shown or "999" in shown
    assert [label for label, _ in crisis[-1].buttons][:2] == ["I'm safe for now", "I'm not safe"]
    sam.tap("I'm safe for now", until=mentions("help works"))
    after = sam.tap("I'm okay for now", until=mentions("/sos brings these numbers back"))
    assert "right where we paused" not in texts(after)  # the exercise waits until they choose it
    resumed = sam.say("/resume", until=mentions("What tells you"))
    assert "What tells you" in texts(resumed)  # the flagged words were not kept: the question again


def test_typed_answers_at_are_you_safe(tg, bot):
    """Typing instead of tapping, as people in a hard moment do: no "tap a button"."""
    joy = onboarded(tg, 205)
    joy.say("i'm going to end my life tonight", until=mentions("Are you safe right now?"))
    not_safe = joy.say("no", until=mentions("999"))
    assert "tap" not in texts(not_safe)
    unclear = joy.say("what", until=mentions("999"))
    assert "tap" not in texts(unclear)


def test_concern_asks_directly_and_not_sure_leads_to_the_lines(tg, bot):
    ana = onboarded(tg, 202)
    asked = ana.say("honestly i don't want to be here anymore", until=mentions("thoughts of ending your life"))
    assert [label for label, _ in asked[-1].buttons] == ["Yes", "I'm not sure", "No"]
    lines = ana.tap("I'm not sure", until=mentions("Are you safe right now?"))
    assert "Samaritans" in texts(lines)


def test_distress_offers_grounding_and_sos_works_from_anywhere(tg, bot):
    kim = onboarded(tg, 203)
    offer = kim.say("i'm having a panic attack, my chest is tight and i can't breathe", until=mentions("grounding exercise"))
    assert [label for label, _ in offer[-1].buttons][:2] == ["Yes, let's try", "Not now"]
    grounding = kim.tap("Yes, let's try", until=mentions("slow down together"))
    assert grounding
    sos = kim.say("/sos", until=mentions("make a safety plan"))
    assert "116 123" in texts(sos)
    assert "Make a safety plan" in [label for label, _ in sos[-1].buttons]


def test_a_figure_of_speech_does_not_interrupt(tg, bot):
    lee = onboarded(tg, 204)
    lee.say("/start safety_plan")
    lee.tap("Let's write it", until=mentions("What tells you"))
    answer = lee.say("work deadlines are killing me lol", until=mentions("What helps you get through"))
    assert "Are you safe" not in texts(answer)
