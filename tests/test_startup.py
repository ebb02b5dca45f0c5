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
