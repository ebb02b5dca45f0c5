"""Engine features writers rely on, played through the console on a small script of their kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from bot.engine.templates import make_environment
from tests.conftest import ROOT, build_runtime
from tests.console.helpers import Person

FEATURES = """
id: features
title: Features
phase: always
menu: false  # a test's script: the variety rule is for scripts people meet in /menu
description: Every engine feature in one small script.
minutes: 2
vars:
  mood: ""
start: mood

steps:
  mood:
    say: How are you{% if name %}, {{ name }}{% endif %}? (visit {{ visits }})
    buttons:
      - label: "Low"
        set: {mood: low}
        go: route
      - label: "Fine"
        set: {mood: fine}
        go: route
      - label: "Only with a letter"
        if: journal.letter
        go: reflect

  route:
    say: Noted.
    then:
      - if: vars.mood == "low"
        go: gentle
      - go: letter

  gentle:
    say: Let's be gentle. Name one thing you see (I won't keep it).
    ask: seen
    keep: false
    then: letter
    buttons:
      - "Skip": letter

  letter:
    say: Write a line to your younger self.
    ask: letter
    then: reflect

  reflect:
    say:
      - '{% if (answers.letter or journal.letter) | kind == "ordinary" %}You wrote: "{{ answers.letter or journal.letter }}"{% else %}Nothing to show yet.{% endif %}'
      - '{% if visits % 2 == 0 %}Even visit.{% else %}Odd visit.{% endif %}'
    buttons:
      - label: "Ground me"
        start: grounding
      - label: "Ground, then back"
        visit: grounding
      - "Done": bye

  bye:
    say: Bye.
    end: true
"""


@pytest.fixture
def feature_runtime(tmp_path: Path, clock, sqlite_url):
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    (folder / "features.yaml").write_text(FEATURES)
    runtime = build_runtime(sqlite_url, clock, tmp_path, dialogues_dir=folder)
    yield runtime
    runtime.database.dispose()


def test_vars_conditions_keep_false_and_reflection(feature_runtime) -> None:
    person = Person(feature_runtime.companion)
    person.onboard()
    out = person.say("/start features")
    assert "How are you, Sam? (visit 0)" in out
    assert person.buttons == ["Low", "Fine", "Pause for now"]  # no letter yet: conditional button hidden
    out = person.say("1")  # Low -> route -> gentle (conditional route on vars.mood)
    assert "Noted." in out and "Let's be gentle" in out
    person.say("a green chair")  # keep: false
    out = person.say("Dear little me, <you> & I are okay")
    assert 'You wrote: "Dear little me, <you> & I are okay"' in out and "Even visit." in out
    person.say("3")  # Done
    journal = person.say("/journal")
    assert "a green chair" not in journal and "Dear little me" in journal
    out = person.say("/start features")
    assert "(visit 1)" in out and "Only with a letter" in person.buttons
    out = person.say("3")  # straight to the reflection of the earlier letter
    assert 'You wrote: "Dear little me, <you> & I are okay"' in out and "Odd visit." in out
    out = person.say("1")  # a jump to another dialogue
    assert "Let's slow down together" in out


def test_visit_another_dialogue_and_come_back(feature_runtime) -> None:
    person = Person(feature_runtime.companion)
    person.onboard()
    person.say("/start features", "2", "A line")
    out = person.say("2")  # Ground, then back
    assert "Let's slow down together" in out
    out = person.say("2")  # Not now: grounding ends
    assert 'we can go back to "Features"' in out
    out = person.say("1")
    assert 'You wrote: "A line"' in out  # the same step, answers intact


def test_the_pause_button_pauses_without_a_blank_bubble(feature_runtime) -> None:
    result_lines = Person(feature_runtime.companion)
    result_lines.onboard()
    out = result_lines.say("/start features", "3")  # Pause for now
    assert out.split("> 3\n", 1)[1].startswith('Paused "Features"')
    assert "How are you, Sam?" in result_lines.say("/resume")


def test_fine_skips_the_gentle_step(feature_runtime) -> None:
    person = Person(feature_runtime.companion)
    person.onboard()
    person.say("/start features")
    out = person.say("2")
    assert "Let's be gentle" not in out and "Write a line to your younger self" in out


def test_the_sandbox_refuses_what_could_exhaust_the_machine() -> None:
    env = make_environment(None)
    for source in ("{{ 'x' * 100000000 }}", "{{ 10 ** 1000000 }}", "{{ ().__class__ }}"):
        template = env.from_string(source)
        with pytest.raises(SecurityError):
            template.render()


def test_person_text_is_a_value_never_template_code(feature_runtime) -> None:
    person = Person(feature_runtime.companion)
    person.onboard()
    person.say("/start features", "2")
    out = person.say("{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %}")
    assert 'You wrote: "{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %}"' in out


def test_one_template_context_for_the_turn_and_the_validator():
    """The turn and ``dialogues check`` build their context with the same function, and it
    gives every name templates may use (a script adds answers, vars and title)."""
    from bot.engine.context import Blanks, sample_context
    from bot.engine.templates import BASE_NAMES

    sample = sample_context()
    assert set(sample) | {"answers", "vars", "title"} == BASE_NAMES
    blanks = Blanks({"letter": "hi"})
    assert (blanks["letter"], blanks["never_written"]) == ("hi", "")
    assert Blanks(default="x")["anything"] == "x"


def test_the_sample_people_have_every_name_and_the_longest_names_allowed():
    """``dialogues check`` renders every template for each of them (``sample_people``)."""
    from bot.engine.context import LONG_NAME, sample_people
    from bot.engine.templates import BASE_NAMES
    from bot.profile import NAME_LIMIT

    people = sample_people()
    assert len(LONG_NAME) == NAME_LIMIT
    assert people[0].who == "a sample person" and len({p.who for p in people}) == len(people)
    assert all(set(p.context) | {"answers", "vars", "title"} == BASE_NAMES for p in people)
    assert any(p.context["name"] == "" for p in people) and any(not p.context["support"]["known"] for p in people)


def test_button_labels_come_from_texts_as_plain_text():
    """Labels live in texts.yaml; they are not HTML, so an apostrophe stays itself."""
    from bot.app import check_dialogues

    library, problems = check_dialogues(ROOT / "dialogues")
    assert not problems
    assert library.texts.plain("button_still_here") == "I'm still here"
    assert library.texts.plain("button_next", {"title": "Tom & Jerry's"}) == "Next: Tom & Jerry's"
    assert library.texts.plain("button_dialogue", {"title": "Play", "done": True}) == "✓ Play"
