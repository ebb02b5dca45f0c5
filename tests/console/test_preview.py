"""``innerchild dialogues play``: one script, from any step, with no onboarding, and nothing kept.

Real processes, as a writer runs it (the piped transcript is ``chat``'s), with a data
directory and a database configured, to show the preview touches neither; and the reading of
``--set`` values, in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console.presets import PresetError, parse_sets, typed_variables
from bot.engine.script import load_script
from tests.conftest import ROOT

ASK = "Could you text me when you're running late?"


def play(*args: str, tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """The command with a configured data dir and database (neither must be touched) and no key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
    env.update(INNERCHILD_DATA_DIR=str(tmp_path / "data"), INNERCHILD_DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'real.db'}")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "dialogues", "play", *args], input=stdin, capture_output=True, text=True,
        timeout=120, cwd=tmp_path, env=env,
    )


def test_a_script_plays_from_its_start_without_onboarding_and_keeps_nothing(tmp_path: Path) -> None:
    script = "1\nA hug\n1\nAn early night\n1\n/menu\n"
    result = play("giving_yourself", "--child-name", "Little Robin", tmp_path=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("[preview: giving_yourself; a stand-in person, nothing is kept]")
    assert "How old are you" not in out and "consent" not in out.lower()  # no onboarding
    assert "Some of what we hope to get from others" in out
    assert "> 1\n" in out and '> A hug\n"A hug"\nUnderneath that' in out  # echoed, and answers.hoped_for read back
    assert "a loving parent who wanted Little Robin to feel cared for" in out  # Skip at the feeling
    assert "Today, then. It's saved in your /journal." in out
    assert out.rstrip().endswith("[end of preview: giving_yourself has finished]")
    assert "> /menu" not in out  # the preview ends with the script, not in the menu
    assert "Traceback" not in out + result.stderr
    assert not (tmp_path / "data").exists()  # no database, no key file
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_middle_step_that_only_speaks_plays_on_with_the_journal_value_set(tmp_path: Path) -> None:
    result = play("giving_yourself", "--step", "begin", "--set", f"need_ask={ASK}", tmp_path=tmp_path, stdin="1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("[preview: giving_yourself from step 'begin'; ")
    assert f'In "Asking for what you need", you wrote this ask:\n{ASK}\nWould you like to start from that?' in out
    assert "> 1\nUnderneath that, what's the feeling" in out
    assert "end of preview" not in out  # the lines ran out before the script did
    assert result.stderr == ""


def test_set_fills_this_scripts_answers_and_variables_and_the_names_show(tmp_path: Path) -> None:
    result = play(
        "giving_yourself", "--step", "close", "--set", "give_self=A warm bath", "--set", "vars.when=week",
        tmp_path=tmp_path, stdin="never read\n",
    )
    assert result.returncode == 0, result.stderr
    assert "This week, then. It's saved in your /journal." in result.stdout
    assert result.stdout.rstrip().endswith("[end of preview: giving_yourself has finished]")
    assert "> never read" not in result.stdout
    named = play("journaling", "--name", "Robin", tmp_path=tmp_path)
    assert "A journaling prompt for you, Robin." in named.stdout


def test_a_crisis_sentence_in_a_preview_gets_the_crisis_card(tmp_path: Path) -> None:
    result = play("giving_yourself", "--country", "GB", tmp_path=tmp_path, stdin="I want to kill myself tonight\n1\n")
    assert result.returncode == 0, result.stderr
    card = result.stdout.split("> I want to kill myself tonight")[1]
    assert "Samaritans: call 116 123" in card and "Are you safe right now?" in card
    assert "end of preview" not in result.stdout  # the script waits, paused, as it would for a person


@pytest.mark.parametrize(
    "args,expected",
    [
        (("giving_yourslf",), "innerchild: no dialogue 'giving_yourslf' in "),
        (("giving_yourself", "--step", "nowhere"), "innerchild: giving_yourself has no step 'nowhere' (its steps: hello, begin, from_ask,"),
        (("giving_yourself", "--set", "need_ask"), "innerchild: --set 'need_ask': write KEY=VALUE"),
        (("giving_yourself", "--country", "Narnia"), "innerchild: --country 'Narnia': not a country I know"),
    ],
    ids=["unknown-id", "unknown-step", "bad-set", "unknown-country"],
)
def test_a_mistake_is_one_line_and_exit_status_2(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = play(*args, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    if args[0] == "giving_yourslf":
        assert "(did you mean giving_yourself" in result.stderr


def test_a_broken_script_set_gives_the_checkers_lines(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    grounding = folder / "grounding.yaml"
    grounding.write_text(grounding.read_text().replace("go: see", "go: sea").replace('"Done": see', '"Done": sea'))
    result = play("giving_yourself", "--dialogues", str(folder), tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"{grounding}:" in result.stderr and "'sea' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


# -- reading --set -------------------------------------------------------------------------
def test_set_reads_journal_keys_under_any_of_their_names_and_variables_apart() -> None:
    presets = parse_sets(["need_ask=a=b", "journal.plan_helps=Walking", "answers.give_self=", "vars.when=today"])
    assert presets.journal == {"need_ask": "a=b", "plan_helps": "Walking", "give_self": ""}
    assert presets.variables == {"when": "today"}
    for bad in ("need_ask", "=x", "Need=1", "vars.=1", "other.key=1"):
        with pytest.raises(PresetError):
            parse_sets([bad])


def test_a_variable_takes_the_type_the_script_gives_it() -> None:
    checkin, _ = load_script(ROOT / "dialogues" / "checkin.yaml")
    assert checkin is not None
    assert typed_variables(checkin, {"mood": "4", "fewer": "yes"}) == {"mood": 4, "fewer": True}
    with pytest.raises(PresetError, match="vars.mood is a number"):
        typed_variables(checkin, {"mood": "good"})
    with pytest.raises(PresetError, match=r"^checkin has no variable 'mod' \(its variables: fewer, mood\)$"):
        typed_variables(checkin, {"mod": "4"})
