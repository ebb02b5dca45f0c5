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


def test_crisis_mid_dialogue_gives_lines_first_then_asks_and_offers_the_way_back(tg, bot):
    sam = onboarded(tg, 201)
    sam.say("/start safety_plan")
    sam.tap("Let's write it", until=mentions("What tells you"))
    crisis = sam.say("i'm going to end my life tonight", until=mentions("Are you safe right now?"))
    shown = texts(crisis)
    assert shown.index("116 123") < shown.index("Are you safe right now?")
    assert "<b>999</b>" in shown or "999" in shown
    assert [label for label, _ in crisis[-1].buttons][:2] == ["I'm safe for now", "I'm not safe"]
    sam.tap("I'm safe for now", until=mentions("help works"))
    back = sam.tap("I'm okay for now", until=mentions("right where we paused"))
    assert "My safety plan" in texts(back)
    resumed = sam.tap("Yes, go back", until=mentions("What helps you get through"))
    assert "What helps you get through" in texts(resumed)


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
