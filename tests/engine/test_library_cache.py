"""The verdict of a clean load kept in the data directory (``engine.library_cache``): a
warm load is the cold load, without the checks; anything in doubt is a cold load again;
a folder with problems is never kept, so its problems are reported every time."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

import bot.engine.library as library_module
from bot.engine import DialogueLibrary, Vocabulary, load_library
from bot.engine import library_cache
from bot.engine.context import Blanks, sample_people
from bot.engine.library_cache import CACHE_FILE, MAGIC
from tests.conftest import ROOT

SCRIPT = """
id: {id}
title: Hello {id}
phase: always
menu: false
description: A tiny script.
minutes: 1
start: greet
steps:
  greet:
    say:
      - "Hello{{% if name %}}, {{{{ name }}}}{{% endif %}}. The quiet lighthouse keeps its light on."
      - file: more.j2
    buttons:
      - label: "On"
        if: journal.wish_{id} and visits > 0
        go: wish
      - "Bye": bye
  wish:
    say: '{{% if journal.wish_{id} | kind == "ordinary" %}}Last time: {{{{ journal.wish_{id} }}}}. {{% endif %}}What do you wish for?'
    ask: wish_{id}
    then: bye
  bye:
    say: Bye.
    end: true
"""


def small_folder(tmp_path: Path) -> Path:
    """Six tiny scripts (one phrase in all of them: a warning), a template file, texts.yaml."""
    folder = tmp_path / "dialogues"
    (folder / "templates").mkdir(parents=True)
    for n in range(6):
        (folder / f"hello{n}.yaml").write_text(SCRIPT.format(id=f"hello{n}"))
    (folder / "templates" / "more.j2").write_text("{% if name %}Nice to see you, {{ name }}.{% else %}Nice to see you.{% endif %}\n")
    (folder / "texts.yaml").write_text('button_pause: "Pause for now"\nhello_again: "Hello again{% if name %}, {{ name }}{% endif %}."\n')
    return folder


@pytest.fixture
def checks(monkeypatch) -> list[int]:
    """Counts the loads that ran the checks (a cold load); a warm one runs none."""
    ran: list[int] = []
    real = library_module.check_scripts

    def counting(*args, **kwargs):
        ran.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(library_module, "check_scripts", counting)
    return ran


def outcome(make, *args, **kwargs) -> object:
    """What ``make(...)`` gives, or the error it raises (the same error is the same outcome)."""
    try:
        return make(*args, **kwargs)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def rendered(library: DialogueLibrary) -> dict[str, object]:
    """Everything a load gives a turn: each script's version and journal reads, each bubble
    rendered and each condition evaluated for every sample person, each text rendered."""
    seen: dict[str, object] = {"warnings": [str(w) for w in library.warnings]}
    for name, compiled in sorted(library.scripts.items()):
        seen[name] = (compiled.version, sorted(compiled.journal_reads), compiled.pause_label)
        for person in sample_people():
            context = person.context | {"answers": Blanks(default=person.answer), "vars": dict(compiled.script.variables), "title": compiled.script.title}
            for step in compiled.script.steps.values():
                for index, bubble in enumerate(step.say):
                    seen[f"{name}.{step.name}.{index}.{person.who}"] = outcome(compiled._bubbles[id(bubble)].render, context)
            for source, condition in sorted(compiled._conditions.items()):
                seen[f"{name}.if {source}.{person.who}"] = outcome(condition, **context)
    for key in sorted(library.texts._templates):
        seen[f"text {key}"] = outcome(library.texts.plain, key, sample_people()[0].context)
    return seen


def test_a_warm_load_is_the_cold_load_without_the_checks(tmp_path: Path, checks: list[int]) -> None:
    folder, data = small_folder(tmp_path), tmp_path / "data"
    cold, problems = load_library(folder, cache_dir=data)
    assert problems == [] and checks == [1]
    assert any("lighthouse" in str(w) for w in cold.warnings)  # warnings are kept too
    warm, problems = load_library(folder, cache_dir=data)
    assert problems == [] and checks == [1]  # no second check
    assert rendered(warm) == rendered(cold)
    assert rendered(warm) == rendered(load_library(folder)[0])  # and both are what no cache at all gives


def test_the_shipped_scripts_load_warm_as_they_load_cold(tmp_path: Path, checks: list[int]) -> None:
    from bot.app import assemble

    vocabulary = assemble(ROOT / "dialogues")[0].vocabulary()
    cold, problems = load_library(ROOT / "dialogues", vocabulary, tmp_path)
    assert problems == []
    warm, problems = load_library(ROOT / "dialogues", vocabulary, tmp_path)
    assert problems == [] and checks == [1]
    assert rendered(warm) == rendered(cold)


def test_the_cache_file_is_private_and_written_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    load_library(small_folder(tmp_path), cache_dir=data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / CACHE_FILE).stat().st_mode) == 0o600
    assert sorted(p.name for p in data.iterdir()) == [CACHE_FILE]  # no temporary file left
    assert (data / CACHE_FILE).read_bytes().startswith(MAGIC)


def test_a_folder_with_a_problem_is_never_kept(tmp_path: Path, checks: list[int]) -> None:
    folder, data = small_folder(tmp_path), tmp_path / "data"
    (folder / "hello0.yaml").write_text(SCRIPT.format(id="hello0").replace("go: wish", "go: nowhere"))
    first = load_library(folder, cache_dir=data)[1]
    assert first and not (data / CACHE_FILE).exists()
    assert [str(p) for p in load_library(folder, cache_dir=data)[1]] == [str(p) for p in first]
    assert checks == [1, 1]


def test_a_changed_file_or_vocabulary_is_checked_again(tmp_path: Path, checks: list[int]) -> None:
    folder, data = small_folder(tmp_path), tmp_path / "data"
    load_library(folder, cache_dir=data)
    (folder / "templates" / "more.j2").write_text("{{ nickname }}\n")  # a file the scripts only name
    problems = load_library(folder, cache_dir=data)[1]
    assert any("nickname" in str(p) for p in problems) and checks == [1, 1]
    shutil.rmtree(folder)
    folder = small_folder(tmp_path)
    load_library(folder, cache_dir=data)
    assert checks == [1, 1]  # the very files of the first load again: its verdict still holds
    load_library(folder, Vocabulary(actions=frozenset({"remind"})), cache_dir=data)
    load_library(folder, Vocabulary(actions=frozenset({"remind"})), cache_dir=data)
    assert checks == [1, 1, 1]  # another vocabulary: checked once, then kept
    (folder / "notes.txt").write_text("a file the loader does not read still counts")
    load_library(folder, Vocabulary(actions=frozenset({"remind"})), cache_dir=data)
    assert checks == [1, 1, 1, 1]


def test_another_version_of_the_checks_is_a_cold_load(tmp_path: Path, checks: list[int], monkeypatch) -> None:
    folder, data = small_folder(tmp_path), tmp_path / "data"
    load_library(folder, cache_dir=data)
    engine = tmp_path / "engine"
    shutil.copytree(library_cache.ENGINE, engine, ignore=shutil.ignore_patterns("__pycache__"))
    with (engine / "validate.py").open("a") as handle:
        handle.write("\n# a check changed\n")
    monkeypatch.setattr(library_cache, "ENGINE", engine)
    load_library(folder, cache_dir=data)
    assert checks == [1, 1]
    monkeypatch.setattr(library_cache, "MAGIC", b"innerchild script cache 0\n")  # another format
    load_library(folder, cache_dir=data)
    assert checks == [1, 1, 1]


@pytest.mark.parametrize("spoil", ["garbage", "empty", "cut short", "one byte changed", "readable by others", "a link"])
def test_a_spoilt_cache_is_ignored_and_rebuilt(tmp_path: Path, checks: list[int], spoil: str) -> None:
    folder, data = small_folder(tmp_path), tmp_path / "data"
    cold = rendered(load_library(folder, cache_dir=data)[0])
    path = data / CACHE_FILE
    content = path.read_bytes()
    if spoil == "garbage":
        path.write_bytes(os.urandom(len(content)))
    elif spoil == "empty":
        path.write_bytes(b"")
    elif spoil == "cut short":
        path.write_bytes(content[: len(content) // 2])
    elif spoil == "one byte changed":
        middle = len(content) // 2
        path.write_bytes(content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1:])
    elif spoil == "readable by others":
        path.chmod(0o644)
    elif spoil == "a link":
        (data / "elsewhere").write_bytes(content)
        (data / "elsewhere").chmod(0o600)
        path.unlink()
        path.symlink_to(data / "elsewhere")
    library, problems = load_library(folder, cache_dir=data)
    assert problems == [] and checks == [1, 1]  # checked again
    assert rendered(library) == cold
    assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600  # and kept anew
    load_library(folder, cache_dir=data)
    assert checks == [1, 1]


def test_a_data_directory_that_cannot_be_written_only_costs_the_checks(tmp_path: Path, checks: list[int]) -> None:
    folder = small_folder(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    for _ in range(2):
        library, problems = load_library(folder, cache_dir=blocked / "data")
        assert problems == [] and library.scripts
    assert checks == [1, 1]


def test_the_same_folder_named_another_way_is_read_again(tmp_path: Path, checks: list[int], monkeypatch) -> None:
    """The kept scripts name their files from the folder as it was named: named another way
    (relative, from elsewhere), the files are read again rather than looked for in the wrong place."""
    folder, data = small_folder(tmp_path), tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    load_library(Path("dialogues"), cache_dir=data)
    load_library(Path("dialogues"), cache_dir=data)
    assert checks == [1]
    monkeypatch.chdir(folder)
    library, problems = load_library(folder, cache_dir=data)
    assert problems == [] and checks == [1, 1]
    assert all(c.script.path.is_file() for c in library.scripts.values())
