"""A check-in opening may bring back what the person chose (a calm place, an affirmation),
only when it was an answer, and the openings' check refuses one that would read back "idk"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.checkins.openers import load_openers
from tests.conftest import ROOT, build_runtime

from .helpers import add_person, settings, sweep

MEMORY = '{% if journal.calm_place | kind == "ordinary" %}Hello. Your calm place was {{ journal.calm_place }}.{% else %}Hello, no memory here.{% endif %}'


def _folder(tmp_path: Path, opener: str) -> Path:
    folder = tmp_path / "dialogues"
    shutil.copytree(ROOT / "dialogues", folder)
    for path in (folder / "templates").glob("checkin_open_*.j2"):
        path.unlink()
    (folder / "templates" / "checkin_open_memory.j2").write_text(opener, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("written", "shown"), [("the beach at dawn", "Hello. Your calm place was the beach at dawn."), ("idk", "Hello, no memory here.")])
def test_an_opening_brings_back_a_chosen_calm_place(tmp_path: Path, clock, written: str, shown: str) -> None:
    runtime = build_runtime(f"sqlite:///{tmp_path / 'memory.db'}", clock, tmp_path, dialogues_dir=_folder(tmp_path, MEMORY))
    try:
        add_person(runtime, "console:mo", clock())
        with runtime.database.transaction() as repo:
            repo.add_journal(repo.find_person("console:mo"), "grounding_toolkit", "calm_place", written, clock())
        clock.now = settings(runtime, "console:mo").next_due_at
        (nudge,) = sweep(runtime)
        assert nudge.replies[0].text.startswith(shown)
    finally:
        runtime.database.dispose()


def test_an_opening_that_reads_back_idk_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Hello. Your calm place was {{ journal.calm_place }}.")
    openers, problems = load_openers(folder)
    assert any("brings back a journal entry of 'idk'" in p.message for p in problems)
    openers, problems = load_openers(_folder(tmp_path / "ok", MEMORY))
    assert not problems and openers.journal_reads == {"calm_place"}
