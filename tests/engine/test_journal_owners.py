"""A journal key belongs to one script, unless every script asking for it says it is shared."""

from __future__ import annotations

from pathlib import Path

from bot.engine.journal import check_journal_owners
from bot.engine.script import Script, load_script

SCRIPT = """id: {id}
title: T
phase: always
menu: false  # a test's script: the variety rule is for scripts people meet in /menu
description: D
{shared}start: hello
steps:
  hello:
    say: What do you need?
    ask: need
    then: bye
  bye:
    say: Bye.
    end: true
"""


def script(tmp_path: Path, name: str, shared: str = "") -> Script:
    path = tmp_path / f"{name}.yaml"
    path.write_text(SCRIPT.format(id=name, shared=shared), encoding="utf-8")
    loaded, problems = load_script(path)
    assert loaded is not None and not problems, problems
    return loaded


def test_a_key_shared_by_every_script_asking_it_is_fine(tmp_path: Path) -> None:
    scripts = {s.id: s for s in (script(tmp_path, "one", "shared: [need]\n"), script(tmp_path, "two", "shared: [need]\n"))}
    assert check_journal_owners(scripts) == []


def test_a_key_shared_by_one_side_only_is_reported_on_the_other(tmp_path: Path) -> None:
    scripts = {s.id: s for s in (script(tmp_path, "one", "shared: [need]\n"), script(tmp_path, "two"))}
    problems = check_journal_owners(scripts)
    assert [(p.path.name, p.line) for p in problems] == [("two.yaml", 8)]
    assert "one.yaml asks for 'need' too" in problems[0].message
