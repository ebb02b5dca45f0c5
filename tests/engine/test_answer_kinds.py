"""The kind of a typed answer: a table a writer can read as the contract of ``| kind``."""

from __future__ import annotations

import pytest

from bot.engine.answer_kinds import classify
from bot.engine.templates import make_environment

CASES = {
    "": ["", "   "],
    "unsure": ["idk", "IDK", "i dont know", "I don't know", "I don’t know", "idk really", "not sure tbh", "no idea", "hmm idk",
               "dunno lol", "maybe", "?", "??", "nothing comes to mind", "can't think of anything", "I can't remember", "who knows"],
    "negative": ["no", "No.", "nope", "nah not really", "nothing", "none", "no one", "nobody", "never", "I'd rather not",
                 "i cant", "I cannot", "no no", "n/a", "skip"],
    "sceptical": ["this is stupid", "This is so stupid.", "whatever", "what's the point", "what is the point of this", "pointless",
                  "this is cringe", "waste of time", "this won't work", "why am i doing this", "bullshit", "lame"],
    "short": ["ok", "k", "fine", "yes", "yeah", ".", "...", "👍", "lol", "x"],
    "heavy": ["feeling safe. my stepdad used to hit me", "everyone would be better off without you", "my mum died last year",
              "he hurts me when he drinks", "I hate myself", "you're worthless", "I was abused", "he gets violent when I say no",
              "being a burden", "nobody wants you around"],
    "ordinary": ["You're wrong. I'm not worthless.", "I am not a burden", "I'm never a burden to them", "6", "12", "From looking stupid", "feeling stupid in meetings", "scared", "sad", "a hug", "Someone who listened without getting cross.", "I guess a rest", "Mimi", "Little Sam",
                 "I want my mum", "I am not sure what I need but maybe a hug", "a walk by the sea", "to be told I did okay",
                 "No one ever listened to me when I was small and I still feel that"],
}


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in CASES.items() for t in texts])
def test_kind(kind: str, text: str) -> None:
    assert classify(text) == kind


def test_a_long_answer_that_mentions_doubt_is_still_an_answer() -> None:
    text = "Honestly this feels a bit silly but I think I needed someone to tell me it was okay to cry when I was upset"
    assert classify(text) == "ordinary"


def test_templates_and_routes_read_the_kind() -> None:
    env = make_environment(None)
    template = env.from_string('{% if answers.x | kind == "ordinary" %}"{{ answers.x }}"{% else %}({{ answers.x | kind }}){% endif %}')
    assert template.render(answers={"x": "a hug"}) == '"a hug"'
    assert template.render(answers={"x": "idk"}) == "(unsure)"
    condition = env.compile_expression('answers.x | kind in ("unsure", "short")')
    assert condition(answers={"x": "k"}) is True
    assert condition(answers={"x": "the sea"}) is False
