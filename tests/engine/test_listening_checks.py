"""The check's listening and variety rules: no read-back of "idk", versions by visit, and
stock phrases named (warnings while ``STRICT_STYLE`` is off, problems once it is on)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import templatecheck
from bot.engine.library import load_library
from bot.engine.machine import Conversation, SessionState
from tests.conftest import ROOT

SCRIPT = """
id: {id}
title: Kind words {id}
phase: reparenting
description: Test.
minutes: 2
start: hello
steps:
  hello:
    say:
      - {opening}
    buttons:
      - "Go": ask
  ask:
    say: What would help?
    ask: help_{id}
    then: reply
  reply:
    say: |
      {reply}
      Keep it close.
    then: bye
  bye:
    say:
      - {closing}
    end: true
"""

VARIED_OPEN = '{one_of: ["Hello again, welcome.", "Good to see you here."]}'
VARIED_CLOSE = '{one_of: ["Go gently now.", "Take care of yourself."]}'
GUARDED = '{{% if answers.help_{id} | kind == "ordinary" %}}You wrote "{{{{ answers.help_{id} }}}}".{{% else %}}That is okay.{{% endif %}}'


def write(folder: Path, sid: str, *, opening: str = VARIED_OPEN, closing: str = VARIED_CLOSE, reply: str | None = None) -> None:
    folder.mkdir(exist_ok=True)
    for name in ("texts.yaml", "meanings.yaml"):
        shutil.copy(ROOT / "dialogues" / name, folder / name)
    text = SCRIPT.format(id=sid, opening=opening, closing=closing, reply=reply or GUARDED.format(id=sid))
    (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")


def messages(folder: Path) -> list[str]:
    library, problems = load_library(folder)
    return [p.message for p in problems] + [w.message for w in library.warnings]


def test_a_guarded_varied_script_passes(tmp_path: Path) -> None:
    write(tmp_path, "kind")
    assert messages(tmp_path) == []


def test_reading_back_idk_is_named(tmp_path: Path) -> None:
    write(tmp_path, "kind", reply='You wrote "{{ answers.help_kind }}". Thank you.')
    found = messages(tmp_path)
    assert any("reads back an answer of 'idk'" in m for m in found), found


def test_one_version_of_opening_or_closing_is_named(tmp_path: Path) -> None:
    write(tmp_path, "kind", opening="Hello.", closing="Bye.")
    found = messages(tmp_path)
    assert any("'hello' opens the script" in m for m in found)
    assert any("'bye' closes the script" in m for m in found)


def test_strict_style_makes_them_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templatecheck, "STRICT_STYLE", True)
    write(tmp_path, "kind", opening="Hello.", reply='You wrote "{{ answers.help_kind }}".')
    _, problems = load_library(tmp_path)
    assert len(problems) == 2 and not any(p.message.startswith("warning") for p in problems)


def test_one_of_says_one_version_per_visit(tmp_path: Path) -> None:
    write(tmp_path, "kind")
    library, _ = load_library(tmp_path)
    compiled = library.scripts["kind"]
    step = compiled.script.steps["hello"]
    said = [compiled.render_say(step, Conversation(SessionState("kind", "hello"), {"visits": v})) for v in range(3)]
    assert said == [["Hello again, welcome."], ["Good to see you here."], ["Hello again, welcome."]]


def test_one_of_needs_two_versions(tmp_path: Path) -> None:
    write(tmp_path, "kind", opening='{one_of: ["Only one."]}')
    _, problems = load_library(tmp_path)
    assert any("at least two versions" in p.message for p in problems)


def test_stock_phrases_are_warned_once_in_more_than_five_scripts(tmp_path: Path) -> None:
    for number in range(6):
        write(tmp_path, f"s{number}", closing='{one_of: ["This will be here whenever you want it.", "Bye for now, friend."]}')
    found = [m for m in messages(tmp_path) if "whenever" in m]
    assert len(found) == 1 and "'this will be here whenever you want it' is in 6 scripts" in found[0], found
    (tmp_path / "s5.yaml").unlink()
    assert not [m for m in messages(tmp_path) if "whenever" in m]
