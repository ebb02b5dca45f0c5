"""What a start does before the first message: the safety lexicon and the model read (so
the first person to write does not wait for them, and a broken file stops the start with
one line; the lexicon's expressions compile on first use, tests/safety/test_lazy_patterns.py), and the scripts' verdict kept in the data directory for the next start."""

from __future__ import annotations

import pytest

import bot.app as app
import bot.engine.library as library_module
from bot.runtime import StartupError
import safety
from safety import lexicon
from safety.model import classifier
from tests.conftest import build_runtime


def test_the_first_message_finds_the_detector_ready(sqlite_url, clock, tmp_path) -> None:
    """After a start, reading a message loads nothing more."""
    lexicon.load.cache_clear()
    classifier.load.cache_clear()
    runtime = build_runtime(sqlite_url, clock, tmp_path)
    runtime.database.dispose()
    ready = (lexicon.load.cache_info(), classifier.load.cache_info())
    safety.assess("i feel a bit low today, and tired")
    assert (lexicon.load.cache_info().misses, classifier.load.cache_info().misses) == (ready[0].misses, ready[1].misses) == (1, 1)


def test_a_broken_lexicon_stops_the_start_with_one_line(sqlite_url, clock, tmp_path, monkeypatch) -> None:
    def broken(language: str = "en") -> None:
        raise lexicon.LexiconError("suicidal.yaml:sh_plan: unknown group {means}")

    monkeypatch.setattr(app.safety_lexicon, "load", broken)
    with pytest.raises(StartupError, match=r"safety lexicon .* cannot be read: suicidal.yaml:sh_plan: unknown group"):
        build_runtime(sqlite_url, clock, tmp_path)


def test_a_start_keeps_the_scripts_verdict_for_the_next(sqlite_url, clock, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(app, "load_library", library_module.load_library)  # not the test session's memory of it
    checked: list[int] = []
    real = library_module.check_scripts

    def counting(*args, **kwargs):
        checked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(library_module, "check_scripts", counting)
    for _ in range(2):
        build_runtime(sqlite_url, clock, tmp_path).database.dispose()
    assert checked == [1]
    assert (tmp_path / "data" / "script-cache").is_file()


def test_start_up_is_frozen_for_the_collector_until_new_scripts_are_served() -> None:
    import gc

    from bot.entry import started, starting, thaw

    try:
        starting()
        assert not gc.isenabled()
        started()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        thaw()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()


START_PROBE = """
import sys
import bot.app, bot.cli, bot.telegram.run
from bot.app import load_safety
import safety
load_safety()
safety.assess("i feel a bit low today")
from bot.storage import statements
statements.mark_update("sqlite"), statements.count("sqlite")
print(sorted({m.split(".")[0] if m.split(".")[0] != "sqlalchemy" else m for m in sys.modules
              if m.split(".")[0] in ("numpy", "matplotlib", "alembic") or m.startswith("sqlalchemy.dialects.postgresql")}))
"""


def test_a_start_on_sqlite_and_a_first_message_import_nothing_they_do_not_use() -> None:
    """numpy (the model reads its file itself: safety/model/npy.py), matplotlib (pictures),
    alembic (only when a migration is due) and SQLAlchemy's PostgreSQL dialect (only for a
    PostgreSQL database) stay out of a start on SQLite. A fresh interpreter, since other
    tests in this process have loaded them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", START_PROBE], cwd=root, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
