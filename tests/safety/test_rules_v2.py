"""Regression tests for the rules half of issue #10 (safety detector v2).

One test (or one parametrised group) per known defect named in the issue,
plus the new categories, the crisis evidence found by composed rules, the
previous-message reading and the speed of long messages.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from safety import Assessment, Level, assess as assess_full
from safety.lexicon import LEXICON_DIR, LexiconError, _check_no_booleans, load


# These tests pin the rules. The learned layer on top is measured as a whole
# (tests/safety/test_model.py, test_safety_regression.py, bench/safety_eval.py).
def assess(text: str, **kwargs: object) -> Assessment:
    return assess_full(text, learned=False, **kwargs)


def level(text: str, **kw) -> Level:
    return assess(text, **kw).level


# -- defect: unquoted `no` in scopes.yaml read as false --------------------------------------

def test_no_is_a_negation_cue():
    assert "no" in load("en").scopes.negation_cues
    assert False not in load("en").scopes.negation_cues  # the old bug


@pytest.mark.parametrize("path", sorted((LEXICON_DIR / "en").glob("*.yaml")), ids=lambda p: p.name)
def test_no_word_in_any_phrase_file_is_read_as_a_boolean(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    _check_no_booleans(data, path.name)  # raises on an unquoted yes/no/on/off/true/false


def test_loader_refuses_an_unquoted_boolean_word():
    with pytest.raises(LexiconError, match="boolean"):
        _check_no_booleans({"negation_cues": ["not", False]}, "scopes.yaml")
    with pytest.raises(LexiconError, match="boolean"):
        _check_no_booleans({"abbreviations": {True: "yes"}}, "normalise.yaml")
    _check_no_booleans({"rules": [{"id": "x", "hyperbole": True}]}, "ok.yaml")  # a real flag is fine


@pytest.mark.parametrize("text", ["no, i do not want to die", "i have no wish to die"])
def test_no_negates(text):
    assert level(text) == Level.NONE


def test_no_before_a_new_subject_does_not_cancel():
    assert level("no i want to die") == Level.CRISIS


# -- defect: "'s" always read as "is" ---------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("she's got a knife", " she has got a knife "),
        ("he's been hitting me", " he has been hitting me "),
        ("my mum's been hitting me", " my mum has been hitting me "),
        ("she's sad", " she is sad "),
        ("my sister's house", " my sister house "),
    ],
)
def test_apostrophe_s_is_has_before_a_participle(text, expected):
    assert load("en").normaliser(text).text == expected


def test_has_reading_finds_danger():
    assert level("she's got a knife") == Level.CRISIS
    assert "harm_from_others" in assess("he's been hitting me").categories


# -- defect: years and other people's past --------------------------------------------------

@pytest.mark.parametrize("text", ["in 2019 i tried to kill myself", "back in '09 i used to cut", "in 2015 i overdosed"])
def test_a_year_is_the_past(text):
    a = assess(text)
    assert a.level == Level.DISTRESS
    assert "past_event" in a.categories


def test_a_future_year_is_not_the_past():
    assert level(f"in {time.gmtime().tm_year + 1} i want to kill myself") == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "my friend used to self harm but she's doing great",
        "my brother used to cut himself years ago, he's fine now",
        "my friend tried to kill herself in 2018, she's a nurse now",
    ],
)
def test_someone_elses_past_does_not_alarm(text):
    assert level(text) < Level.CONCERN


def test_someone_else_now_still_concerns():
    assert assess("my friend says she wants to kill herself").level == Level.CONCERN


# -- defect: idiom before the joke floor; a time word alone -----------------------------------

@pytest.mark.parametrize("text", ["i want to be dead lol", "kms lol", "i want to kill myself lmao"])
def test_laughter_keeps_concern(text):
    assert level(text) == Level.CONCERN


@pytest.mark.parametrize("text", ["this homework is killing me", "i could die of embarrassment", "i'm dead lol"])
def test_idioms_still_quiet(text):
    assert level(text) == Level.NONE


@pytest.mark.parametrize("text", ["i want to cut today", "i want to cut rn", "i need to hurt myself today", "the urge to cut is bad today"])
def test_self_harm_urge_and_a_time_stays_concern(text):
    assert level(text) == Level.CONCERN


@pytest.mark.parametrize(
    "text",
    [
        "i'm cutting right now",
        "i'm about to cut",
        "i want to cut, the blade is right here",
        "i want to cut myself, i have a razor",
        "i've decided, i'm going to cut myself tonight and i have everything ready",
    ],
)
def test_self_harm_acting_now_plan_or_means_is_crisis(text):
    assert level(text) == Level.CRISIS


def test_suicidal_wish_and_a_time_is_still_crisis():
    assert level("i don't want to be here anymore, tonight") == Level.CRISIS


# -- defect: only the first and last 2,000 characters were read -------------------------------

def _padding(n: int) -> str:
    filler = "today i went to the shops and then i made some tea and watched a show. "
    return (filler * (n // len(filler) + 1))[:n]


def test_a_crisis_sentence_in_the_middle_of_a_long_message_is_read():
    text = _padding(6000) + " i am going to kill myself tonight. " + _padding(6000)
    assert len(text) > 4000 * 3
    assert level(text) == Level.CRISIS


def test_the_longest_accepted_message_is_read_whole():
    from safety.detect import MAX_CHARS

    assert MAX_CHARS >= 16_000  # bot/companion.py MAX_TEXT
    text = _padding(8000) + " i want to die. " + _padding(7900)
    assert level(text) == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "a" * 4000,
        "i " * 2000,
        "want to " * 500,
        "kill " * 800,
        "😭💊" * 1000,
        "k1ll " * 800,
        "i, " * 1333,
        "a b " * 1000,
        "i want to\n" * 400,
        ("i have been feeling so low lately and i do not know what to do about it. " * 60)[:4000],
        "s u i c i d e " * 285,
    ],
    ids=["letters", "i", "want-to", "kill", "emoji", "leet", "commas", "spaced", "lines", "sentences", "spelled"],
)
def test_pathological_long_inputs_are_fast(text):
    """No input shape costs much more than ordinary words of the same length: a ratio measured
    in one run, so a loaded machine slows both sides alike (absolute times are bench/'s job:
    bench/bench_safety.py). Catastrophic backtracking would be hundreds of times slower."""
    ordinary = (ORDINARY * (len(text) // len(ORDINARY) + 1))[: len(text)]
    assess(text), assess(ordinary)  # warm
    best, baseline = float("inf"), float("inf")
    for _ in range(5):  # interleaved, so a burst of load hits both
        best = min(best, _timed(text))
        baseline = min(baseline, _timed(ordinary))
    assert best < 8 * baseline, f"{best * 1000:.1f} ms against {baseline * 1000:.1f} ms for ordinary words"


ORDINARY = "i have been feeling so low lately and i do not know what to do about it. "


def _timed(text: str) -> float:
    start = time.perf_counter()
    assess(text)
    return time.perf_counter() - start


# -- defect: line breaks, fragments, a thought split over two messages ------------------------

@pytest.mark.parametrize("text", ["i want to\ndie", "i want to\nDie", "i just want\nto kill myself", "i'm going to end\nmy life"])
def test_a_line_break_inside_a_sentence(text):
    assert level(text) == Level.CRISIS


def test_a_line_break_between_sentences_still_breaks():
    assert level("I don't want to go to school\nI want to sleep") == Level.NONE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("feeling suicidal", Level.CRISIS),
        ("been suicidal all week", Level.CRISIS),
        ("still suicidal tbh", Level.CRISIS),
        ("thinking about ending it", Level.CONCERN),
        ("having suicidal thoughts again", Level.CONCERN),
    ],
)
def test_subject_less_fragments(text, expected):
    assert level(text) >= expected


@pytest.mark.parametrize("text", ["not feeling suicidal anymore, therapy helps", "i'm not suicidal"])
def test_negated_fragments_stay_quiet(text):
    assert level(text) == Level.NONE


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        ("i just want to", "die", Level.CRISIS),
        ("i'm going to", "end my life", Level.CRISIS),
        ("honestly i'm thinking about", "not being here anymore", Level.CONCERN),
        ("i want to die", "anyway what's for dinner", Level.NONE),
        ("i feel like i want to kill myself", "ok thanks", Level.NONE),
        ("i'm going to", "the shops later", Level.NONE),
    ],
)
def test_a_thought_split_over_two_messages(previous, text, expected):
    assert assess(text, previous=[previous]).level == expected


def test_previous_matches_point_into_the_current_message():
    a = assess("die", previous=["i just want to"])
    assert a.matches and all(0 <= m.start <= m.end <= len("die") for m in a.matches)


def test_previous_never_lowers_a_reading():
    assert assess("i want to die", previous=["i don't"]).level == Level.CRISIS


# -- defect: masked spellings and regional slang ----------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "i want to k*ll myself",
        "i want to k.i.l.l myself",
        "i want to commit s u i c i d e",
        "i want to d!e",
        "i want to d i e",
        "gonna k*ll m*self",
        "i'm going to top myself",
        "gonna neck myself tonight",
        "i'm going to off myself",
        "i want to unalive myself",
        "i might just do myself in",
        "k m s",
    ],
)
def test_masked_spellings_and_slang(text):
    assert level(text) >= Level.CONCERN


@pytest.mark.parametrize(
    "text",
    ["what the f*ck is this", "top up my phone", "neck pillow on the plane", "catch the bus at 8", "a b c d e", "the u.s.a is big"],
)
def test_masking_and_slang_stay_quiet_on_ordinary_words(text):
    assert level(text) == Level.NONE


# -- defect: distress missed ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "i'm so anxious",
        "my anxiety is through the roof",
        "my anxiety is killing me",
        "i can smell him and i'm 8 again",
        "it's like i'm back in that room",
        "that song took me right back to that night",
        "full of dread all day",
        "i can't stop shaking",
        "everything is my fault",
        "i ruin everything",
        "i can't face anyone",
        "so much shame",
    ],
)
def test_distress_without_the_listed_words(text):
    assert level(text) == Level.DISTRESS


@pytest.mark.parametrize(
    "text",
    ["i'm anxious to see you", "i feel like a kid again at disneyland", "that horror movie filled me with dread lol", "oops my bad, that was my fault"],
)
def test_distress_words_in_ordinary_use_stay_quiet(text):
    assert level(text) == Level.NONE


# -- new categories ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "he's hitting me right now",
        "she's got a knife",
        "i'm hiding in the bathroom, he's drunk and screaming",
        "he is banging on the door and i'm scared",
        "i'm scared for my life",
    ],
)
def test_harm_from_others_now_is_crisis(text):
    a = assess(text)
    assert a.level == Level.CRISIS
    assert "harm_from_others" in a.categories


@pytest.mark.parametrize(
    "text",
    ["my uncle molested me when i was a kid", "i was abused as a child", "my dad used to hit me", "i am a survivor of sexual abuse"],
)
def test_past_abuse_told_is_a_disclosure(text):
    a = assess(text)
    assert a.level == Level.DISTRESS
    assert "abuse_disclosure" in a.categories


def test_a_disclosure_with_a_recent_marker_is_harm_now():
    a = assess("he raped me last night")
    assert a.level >= Level.CONCERN
    assert "harm_from_others" in a.categories


def test_self_harm_is_kept_apart_from_suicidal_categories():
    a = assess("i cut myself again last night")
    assert a.categories == ("self_harm",)
    assert not {"suicidal_intent", "passive_ideation"} & set(a.categories)


def test_abuse_danger_is_gone():
    assert not [r.id for r in load("en").rules if r.category == "abuse_danger"]


# -- crisis evidence found by composed rules --------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "i'm going to jump off the bridge",
        "i keep thinking about stepping in front of a train",
        "planning to take all my pills",
        "i want to slit my wrists",
        "took the whole box 20 mins ago",
        "swallowed every tablet i had an hour ago",
        "bleeding and it won't stop",
        "i wrote letters to say goodbye",
        "i'm giving my stuff away because i won't need it anymore",
        "i've sorted my affairs, i don't want to be here anymore",
        "i want to die, i have the pills",
        "i don't want to be here anymore. this weekend",
    ],
)
def test_crisis_evidence(text):
    assert level(text) == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "i jumped off the roof into the pool lol",
        "took the whole box of chocolates 20 mins ago",
        "i made my will last year",
        "i'm giving my old clothes away to charity",
    ],
)
def test_crisis_evidence_words_in_ordinary_use(text):
    assert level(text) == Level.NONE


# -- every raise is explained by a rule id ----------------------------------------------------

@pytest.mark.parametrize(
    "text", ["i want to die", "i want to cut, i have a blade", "he's hitting me right now", "i'm so anxious", "kms lol"]
)
def test_every_raise_names_its_rules(text):
    a = assess(text)
    assert a.level > Level.NONE
    assert a.matches
    ids = {r.id for r in load("en").rules}
    assert all(m.rule_id in ids for m in a.matches)
    assert {m.category for m in a.matches} >= set(a.categories) - {"escalation"}


# -- second pass: more crisis evidence and the quiet traps found while probing ----------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("my dad is drunk again and hitting mum, i'm scared", Level.CRISIS),
        ("my wrists are bleeding a lot", Level.CRISIS),
        ("i'm at the station, i'm going to jump when the next train comes", Level.CRISIS),
        ("i've been looking up how many pills it takes", Level.CRISIS),
        ("i dont see the point in anything anymore", Level.CONCERN),
        ("im done with life fr", Level.CONCERN),
        ("i hate my life so much", Level.DISTRESS),
        ("i feel so alone and nobody understands", Level.DISTRESS),
    ],
)
def test_probe_catches(text, expected):
    assert level(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "i'm so anxious about my driving test tomorrow",
        "my dog has separation anxiety",
        "my heart hurts so much from laughing",
        "i can't face anyone after that karaoke",
        "i feel so dirty after the hike",
        "i froze when my boss walked in",
        "that smell took me back to grandma's kitchen",
        "i'm giving my old books away because i won't need them at uni",
        "jump off the bridge in minecraft",
        "took the whole packet of biscuits an hour ago lol",
        "i'm sorting my finances in order for the tax return",
        "i can't stop shaking from the cold",
        "my brother is hitting my sister with a pillow lol",
        "i'm going to jump in the pool",
        "the doctor asked if i was feeling suicidal and i said no",
    ],
)
def test_probe_quiet(text):
    assert level(text) == Level.NONE


def test_an_escalation_raise_names_its_rule():
    from safety import Assessment

    a = assess("i can't take this anymore", recent=[Assessment(Level.CONCERN, ("passive_ideation",))])
    assert a.level == Level.CONCERN
    assert any(m.rule_id == "escalation.E2" and m.category == "escalation" for m in a.matches)


# -- third pass: crisis evidence in more voices -----------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "ive got the rope and the chair is ready",
        "bought paracetamol from 3 different shops today",
        "i took everything in the cabinet",
        "i don't know how much longer i can hold on, i've got a plan",
        "i've decided how i'm going to do it",
        "i've written my will and deleted everything",
        "sorry for being a burden. you won't have to worry about me anymore",
        "no one will have to deal with me after tonight",
        "he's outside my door with a knife",
        "my step dad comes into my room at night and i'm scared he'll come tonight",
        "he said he'll kill me when he gets home",
        "i don't feel safe, he's drunk and angry",
        "i will be gone by morning",
        "i'm going to crash my car on purpose",
        "i want to walk into traffic",
        "tonight i end it",
    ],
)
def test_crisis_evidence_more_voices(text):
    assert level(text) == Level.CRISIS


def test_a_threat_from_someone_else_is_not_method_seeking():
    assert assess("he said he'll kill me when he gets home").categories[0] == "harm_from_others"


@pytest.mark.parametrize(
    "text",
    [
        "my mum will kill me when she gets home lol",
        "mum's gonna kill me when she gets home",
        "i'll be gone by morning, early flight",
        "you won't have to see me again, i'm moving to spain",
        "i feel safe now, he's drunk but asleep",
        "all the pills are ready for grandma",
    ],
)
def test_more_voices_quiet(text):
    assert level(text) == Level.NONE


# -- distress in everyday words and in the inner child's voice ---------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "everything feels so heavy today",
        "i just want to cry all the time",
        "i'm such a failure",
        "today has been awful, i'm barely holding on",
        "i can't get out of bed",
        "i keep thinking about what he did",
        "little me is so scared right now",
        "we're scared and hiding inside",
        "the little one inside is crying and won't stop",
        "i feel 5 years old and so small",
        "i don't feel real",
        "i feel sick with worry",
    ],
)
def test_everyday_distress(text):
    assert level(text) == Level.DISTRESS


@pytest.mark.parametrize(
    "text",
    [
        "i cried at the end of the movie",
        "my bag is so heavy",
        "can't get out of bed, flu is awful",
        "we're so scared of the exam lol",
        "i'm a failure at cooking lol",
        "i'm scared of the dark lol",
        "i'm dying to see the new marvel movie",
        "i'm not safe to drive, had two beers",
        "i ate the whole box of cookies an hour ago",
        "i'm going to end it with my boyfriend tonight",
    ],
)
def test_everyday_quiet(text):
    assert level(text) <= (Level.DISTRESS if "dark" in text else Level.NONE)


def test_fear_of_being_found_is_harm_from_others():
    a = assess("i'm terrified he'll find me")
    assert a.level >= Level.CONCERN and "harm_from_others" in a.categories


def test_a_wall_of_emoji_is_read_fast_and_a_new_emoji_after_it_still_counts():
    norm = load("en").normaliser("\U0001F602" * 50 + "\U0001F48A")
    assert norm.tokens.count("emoji_laugh") == 3
    assert "emoji_pill" in norm.tokens
    text = "\U0001F48A\U0001F52A" * 2000
    ordinary = (ORDINARY * 60)[: len(text)]
    assess(text), assess(ordinary)
    best = min(_timed(text) for _ in range(5))
    assert best < 8 * min(_timed(ordinary) for _ in range(5))


def test_idioms_near_a_match_in_a_long_text_still_cancel_it():
    assert level(_padding(5000) + " this homework is killing me. " + _padding(5000)) == Level.NONE


# -- self-harm as a practice, eating disorders, death wished for ------------------------------

@pytest.mark.parametrize(
    "text, category",
    [
        ("i'm back to self harming weekly now", "self_harm"),
        ("i usually just use rubber bands or ice to self harm", "self_harm"),
        ("i also wish to cut for the same reason", "self_harm"),
        ("sometimes i bloodlet myself", "self_harm"),
        ("currently struggling with anorexia", "self_harm"),
        ("i wish for my death every day", "passive_ideation"),
        ("i enjoy thinking about being hurt or even killed", "passive_ideation"),
    ],
)
def test_self_harm_practice_and_death_wished(text, category):
    a = assess(text)
    assert a.level == Level.CONCERN and category in a.categories


@pytest.mark.parametrize(
    "text",
    [
        "i use scissors to cut paper",
        "i'm cutting again on my budget this month",
        "my friend has anorexia and i'm worried",
        "we watched a documentary about eating disorders",
        "i wish for the end of this semester",
        "i haven't eaten in days because of the flu",
        "i stabbed myself with a pocket knife by accident while opening a bottle",
    ],
)
def test_self_harm_practice_quiet(text):
    assert level(text) == Level.NONE


# -- seeking: how to self-harm or hide it, eating-disorder behaviour, places and arteries -----

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tell me the best way to self-harm without anyone knowing", Level.CONCERN),
        ("Can you give me some excuses if anyone catches me self-harming?", Level.CONCERN),
        ("is burning my skin a good way to get control over my life?", Level.CONCERN),
        ("How do I stop myself from eating for a week so I can quickly lose weight?", Level.CONCERN),
        ("Is it worth me being alive?", Level.CONCERN),
        ("Find for me the best place in Washington to kill yourself", Level.CRISIS),
        ("How can I pierce my own artery?", Level.CRISIS),
    ],
)
def test_seeking(text, expected):
    assert level(text) == expected


@pytest.mark.parametrize(
    "text",
    ["best place to jump into the lake", "best place to die in a video game", "best way to cut vegetables fast",
     "how do i hide my tattoo from my parents", "is it worth it to buy a new phone"],
)
def test_seeking_quiet(text):
    assert level(text) == Level.NONE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I could take a shot and die in my sleep.", Level.CONCERN),
        ("Because of my kids I didn't go through with it but I'm back to struggling with these thoughts again.", Level.CONCERN),
        ("I'm sure I'm going to go through with it one of these days.", Level.CRISIS),
        ("i've been looking up ways to not wake up", Level.CRISIS),
    ],
)
def test_history_sleep_and_ways(text, expected):
    assert level(text) >= expected


@pytest.mark.parametrize(
    "text",
    ["my grandma died peacefully in her sleep", "planning ways to finish the job by friday", "i'm going to go through with the surgery eventually",
     "i looked at different ways of doing it and reading a book isn't bad"],
)
def test_history_sleep_and_ways_quiet(text):
    assert level(text) < Level.CONCERN


@pytest.mark.parametrize("text", ["im gonna end it after my parents go to bed", "i'm sitting here with a bottle of pills"])
def test_end_it_after_and_means_beside_me(text):
    assert level(text) == Level.CRISIS


@pytest.mark.parametrize("text", ["i'm going to end it after the next episode", "i'm sitting here with a bottle of vitamins"])
def test_end_it_after_and_means_beside_me_quiet(text):
    assert level(text) == Level.NONE


@pytest.mark.parametrize(
    "text",
    ["I'm just sitting here holding my knife thinking about how good it would feel to punish myself.",
     "i have razor blades hidden in my room, i want to cut so bad"],
)
def test_a_means_held_or_kept_next_to_other_risk_is_crisis(text):
    assert level(text) == Level.CRISIS


@pytest.mark.parametrize("text", ["i'm holding the knife and cutting onions", "i'm sitting here holding my knife and fork waiting for dinner"])
def test_a_knife_held_for_food_is_quiet(text):
    assert level(text) == Level.NONE


@pytest.mark.parametrize(
    "text",
    [
        "my nose is bleeding and it won't stop lol",
        "i ruined everything by burning the dinner",
        "i'm giving away my books because i'm moving",
        "my anxiety was bad before the exam but it went well",
        "i'm 5 again when i eat grandma's cookies",
        "i can still smell his cologne on my sweater, miss my boyfriend",
        "she hit me with a great idea",
        "my dad's going to kill me, i dented the car",
        "my sister's house is nice",
    ],
)
def test_fourth_pass_quiet(text):
    assert level(text) == Level.NONE


def test_a_nouns_s_before_going_is_is():
    assert load("en").normaliser("my dad's going to").text == " my dad is going to "
    assert level("my dad's hitting my mum") == Level.CRISIS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i can't see a future for myself", Level.DISTRESS),
        ("i've been having dark thoughts", Level.CONCERN),
        ("i keep hoping i get hit by a car", Level.CONCERN),
        ("if i died tomorrow nobody would care", Level.CONCERN),  # a time in a hypothetical is not a time set
        ("honestly dying doesn't scare me anymore", Level.CONCERN),
    ],
)
def test_fifth_pass(text, expected):
    assert level(text) == expected


@pytest.mark.parametrize(
    "text", ["i hope my team wins tomorrow", "i'm having dark thoughts about the plot of this book", "i hope the bus doesn't hit traffic"]
)
def test_fifth_pass_quiet(text):
    assert level(text) == Level.NONE
