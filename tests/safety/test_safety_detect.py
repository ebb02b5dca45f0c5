"""Hand-written must-catch and must-stay-quiet sets, plus the scope behaviours."""

from __future__ import annotations

import dataclasses

import pytest

from safety import Assessment, Level, Match, assess as assess_full
from safety_data import rows  # type: ignore[import-not-found]  # pytest puts tests/safety/ (no __init__.py) on sys.path


# These tests pin the rules. The learned layer on top is measured as a whole
# (tests/safety/test_model.py, test_safety_regression.py, bench/safety_eval.py).
def assess(text: str, **kwargs: object) -> Assessment:
    return assess_full(text, learned=False, **kwargs)

MUST_CATCH = rows("must_catch.csv")
DISTRESS = rows("distress.csv")
QUIET = rows("must_stay_quiet.csv")


def test_sets_are_big_enough():
    assert len(MUST_CATCH) >= 150
    assert len(QUIET) >= 100
    assert all(r["min_level"] in ("concern", "crisis") for r in MUST_CATCH)


@pytest.mark.parametrize("row", MUST_CATCH, ids=lambda r: r["note"])
def test_must_catch(row):
    assert assess(row["text"]).level >= Level.from_label(row["min_level"])


@pytest.mark.parametrize("row", DISTRESS, ids=lambda r: r["note"])
def test_distress_and_past(row):
    a = assess(row["text"])
    assert a.level >= Level.from_label(row["min_level"])
    if row["note"] == "past":
        # The past is lower than the present, and says so.
        assert a.level < Level.CONCERN
        assert {"past_event", "abuse_disclosure"} & set(a.categories)  # past abuse told: abuse_disclosure


# Messages that may legitimately reach distress (never concern).
QUIET_MAY_BE_DISTRESS = {"my brother punched me in the arm as a joke when we were kids"}


@pytest.mark.parametrize("row", QUIET, ids=lambda r: r["note"])
def test_must_stay_quiet(row):
    a = assess(row["text"])
    if row["text"] in QUIET_MAY_BE_DISTRESS:
        assert a.level <= Level.DISTRESS
    else:
        assert a.level == Level.NONE, a


def test_quiet_rates():
    levels = [assess(r["text"]).level for r in QUIET]
    assert sum(lv >= Level.CONCERN for lv in levels) / len(levels) <= 0.01
    assert sum(lv > Level.NONE for lv in levels) / len(levels) <= 0.05


@pytest.mark.parametrize(
    "text, level, category",
    [
        ("I don't want to die, I want to live fully", Level.NONE, None),
        ("I'm not suicidal but I wish I wouldn't wake up", Level.CONCERN, "passive_ideation"),
        ("i can't stop thinking about killing myself", Level.CONCERN, None),
        ("I'm not going to kill myself", Level.NONE, None),
        ("i'm not okay i want to die", Level.CRISIS, "suicidal_intent"),
        ("my friend says she wants to kill herself", Level.CONCERN, "someone_else_at_risk"),
        ("I used to cut", Level.DISTRESS, "past_event"),
        ("he's hitting me right now", Level.CRISIS, "harm_from_others"),
        ("I'm scared he'll hurt me tonight", Level.CRISIS, "harm_from_others"),
        ("how many pills would it take", Level.CRISIS, "method_seeking"),
        ("this is my last message, I'm sorry for everything", Level.CRISIS, "farewell"),
        ("I'm going to end this session, goodbye", Level.NONE, None),
        ("kms lol", Level.CONCERN, "suicidal_intent"),
        ("everything is too much 💊", Level.CONCERN, None),
        ("in my novel the villain wants to kill himself", Level.NONE, None),
        # composed slots, negation governing the desire, hedged negation
        ("i just really want to not be here", Level.CONCERN, "passive_ideation"),
        ("I never want to go jump off a bridge and kill myself", Level.NONE, None),
        ("I might not kill myself", Level.CONCERN, None),
        ("I don't want to end it right now", Level.CONCERN, None),
        ("I'm not ready to die, I have so much to live for", Level.NONE, None),
        ("Killing myself wouldn't be good for anybody", Level.CONCERN, "passive_ideation"),
        ("why should i keep trying to fix this printer", Level.NONE, None),
        # means together with amount or lethality; ordinary dosing stays quiet
        ("how many sleeping pills is too many", Level.CRISIS, "method_seeking"),
        ("how many ibuprofen can i safely take in a day", Level.NONE, None),
        # plan next to a farewell; continuity quietens a goodbye
        ("I've got everything ready for tonight. thank you for trying", Level.CRISIS, "farewell"),
        ("i've got everything ready for the party tonight", Level.NONE, None),
        ("goodbye forever. see you monday", Level.NONE, None),
        # threats from another person, now or soon
        ("my ex just said he's coming over to hurt me", Level.CRISIS, "harm_from_others"),
        ("she is going to beat me at chess again", Level.NONE, None),
        # second round: comparisons, retractions, a named referent for "it"
        ("i would rather die than wear that jumper lol", Level.NONE, None),
        ("i'd rather die than keep living like this", Level.CONCERN, "passive_ideation"),
        ("i'd rather kill myself than do this essay", Level.CONCERN, "passive_ideation"),
        ("kill me now, the bus is late again jk", Level.NONE, None),
        ("i want to die. i am not kidding", Level.CRISIS, "suicidal_intent"),
        ("i'm going to kill myself tonight jk", Level.CRISIS, None),  # a time: never retracted
        ("i don't want to end it right now, this series is so good", Level.NONE, None),
        # fading or sleeping with permanence; a burden built on an idiom
        ("i'd like to just switch off. permanently.", Level.CONCERN, "passive_ideation"),
        ("i could sleep forever after this week", Level.NONE, None),
        ("i'm just dead weight to everybody", Level.CONCERN, "passive_ideation"),
        ("i'm dead tired", Level.NONE, None),
        # acts under way or just done; ordinary doses and drinks stay quiet
        ("took a whole packet of paracetamol ten minutes ago", Level.CRISIS, "suicidal_intent"),
        ("i took a whole bottle of water to the gym", Level.NONE, None),
        ("i'm sitting on the railing of the bridge", Level.CRISIS, "suicidal_intent"),
        ("years ago i swallowed a whole bottle of pills", Level.DISTRESS, "past_event"),
    ],
)
def test_scopes(text, level, category):
    a = assess(text)
    assert a.level == level, a
    if category:
        assert category in a.categories


@pytest.mark.parametrize(
    "variant",
    ["i want to die", "I WANT TO DIE", "i wanna dieeee", "i w4nt to d1e", "i\u200b want to die", "і want to die",
     "i want 2 die", "I   want to   die!!!", "i want to die 😭😭"],
)
def test_spelling_variants_reach_crisis(variant):
    assert assess(variant).level == Level.CRISIS


def test_emoji_alone_is_not_crisis():
    for t in ["💊", "🔪", "⚰️", "😭😭😭", "🪦"]:
        assert assess(t).level < Level.CONCERN


def test_matches_are_spans_into_the_original_text():
    text = "ok so... I really want to d i e? no. I want to kill myself tonight"
    a = assess(text)
    assert a.level == Level.CRISIS
    for m in a.matches:
        assert isinstance(m, Match)
        assert 0 <= m.start < m.end <= len(text)
    assert any(text[m.start : m.end].lower().startswith("kill myself") for m in a.matches)


def test_level_labels():
    assert [lv.label for lv in Level] == ["none", "distress", "concern", "crisis"]
    assert Level.from_label("crisis") is Level.CRISIS


def test_result_is_frozen_and_text_free():
    a = assess("i want to die")
    assert isinstance(a, Assessment)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.level = Level.NONE
    # A match carries a category, a rule id and offsets: never the words.
    assert all(set(vars(m)) == {"category", "rule_id", "start", "end"} for m in a.matches)


def test_empty_and_long_input():
    assert assess("").level == Level.NONE
    assert assess("   \n ").level == Level.NONE
    assert assess("hello " * 5000 + "i want to die").level == Level.CRISIS


def test_rejects_non_text():
    with pytest.raises(TypeError):
        assess(None)


def test_unknown_language():
    with pytest.raises(LookupError):
        assess("hola", language="xx")
