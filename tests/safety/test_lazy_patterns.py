"""The lexicon's expressions compile on first use, and a broken one still stops the start.

Loading the lexicon compiles nothing; ``lexicon.check`` compiles everything and names the
rule of a broken pattern; start-up runs the check on phrase files it has not seen pass
(``bot.lexicon_verdict``), keeps the verdict in the data directory, and trusts it only for
the very same files and only from a file nobody else could have written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot import lexicon_verdict
from bot.runtime import StartupError
import safety
from safety import lexicon
from tests.conftest import build_runtime


@pytest.fixture
def own_lexicon(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped phrase files the test may break, read instead of the shipped ones."""
    folder = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, folder)
    monkeypatch.setattr(lexicon, "LEXICON_DIR", folder)
    lexicon.load.cache_clear()
    yield folder / "en"
    lexicon.load.cache_clear()


def break_a_pattern(folder: Path) -> None:
    path = folder / "abuse.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"(scared|afraid|terrified|fearing|fear) for my (life|safety)"', '"(scared|afraid for my (life|safety)"', 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")


@pytest.mark.parametrize("language", lexicon.languages())
def test_every_expression_of_every_shipped_lexicon_compiles(language: str) -> None:
    lex = lexicon.load(language)
    lexicon.check(lex)
    assert all(pattern.is_compiled for _where, pattern in lexicon.patterns(lex))


def test_loading_compiles_nothing_and_a_message_compiles_only_what_it_needs(own_lexicon) -> None:
    lex = lexicon.load("en")
    everything = list(lexicon.patterns(lex))
    assert len(everything) > 150 and not any(pattern.is_compiled for _where, pattern in everything)
    safety.assess("hi, I feel a bit low today")
    compiled = sum(pattern.is_compiled for _where, pattern in everything)
    assert 0 < compiled < len(everything) / 4


def test_a_broken_pattern_loads_but_fails_the_check_naming_its_rule(own_lexicon) -> None:
    break_a_pattern(own_lexicon)
    lex = lexicon.load("en")
    with pytest.raises(lexicon.LexiconError, match=r"^en: rule abuse\.happening \(regex\): missing \), unterminated subpattern"):
        lexicon.check(lex)


def test_a_broken_pattern_stops_the_start_with_one_line(own_lexicon, sqlite_url, clock, tmp_path) -> None:
    break_a_pattern(own_lexicon)
    with pytest.raises(StartupError, match=r"^the safety lexicon in .* cannot be read: en: rule abuse\.happening \(regex\): missing \)") as raised:
        build_runtime(sqlite_url, clock, tmp_path)
    assert "\n" not in str(raised.value)


def count_checks(monkeypatch) -> list[int]:
    checks: list[int] = []
    real = lexicon.check

    def counting(lex: lexicon.Lexicon) -> None:
        checks.append(1)
        real(lex)

    monkeypatch.setattr(lexicon, "check", counting)
    return checks


def test_a_clean_check_is_kept_and_the_same_files_are_not_checked_again(own_lexicon, tmp_path, monkeypatch) -> None:
    checks = count_checks(monkeypatch)
    data = tmp_path / "data"
    lexicon_verdict.ready("en", data)
    verdict = data / "lexicon-checked-en"
    assert verdict.is_file() and verdict.stat().st_mode & 0o777 == 0o600
    lexicon.load.cache_clear()
    lexicon_verdict.ready("en", data)
    assert checks == [1]


def test_changed_phrase_files_are_checked_again_and_a_break_is_found(own_lexicon, tmp_path, monkeypatch) -> None:
    data = tmp_path / "data"
    lexicon_verdict.ready("en", data)
    break_a_pattern(own_lexicon)
    lexicon.load.cache_clear()
    with pytest.raises(lexicon.LexiconError, match="abuse.happening"):
        lexicon_verdict.ready("en", data)


def test_a_verdict_others_could_have_written_is_not_trusted(own_lexicon, tmp_path, monkeypatch) -> None:
    data = tmp_path / "data"
    lexicon_verdict.ready("en", data)
    verdict = data / "lexicon-checked-en"
    os.chmod(verdict, 0o666)
    checks = count_checks(monkeypatch)
    lexicon.load.cache_clear()
    lexicon_verdict.ready("en", data)
    assert checks == [1]


def test_no_data_directory_means_a_full_check_every_time(own_lexicon, monkeypatch) -> None:
    checks = count_checks(monkeypatch)
    lexicon_verdict.ready("en", None)
    lexicon_verdict.ready("en", None)
    assert checks == [1, 1]


def test_start_up_checks_through_the_verdict(sqlite_url, clock, tmp_path, monkeypatch) -> None:
    calls: list[Path | None] = []
    real = lexicon_verdict.ready

    def recording(language: str, data_dir: Path | None) -> lexicon.Lexicon:
        calls.append(data_dir)
        return real(language, data_dir)

    monkeypatch.setattr(lexicon_verdict, "ready", recording)
    build_runtime(sqlite_url, clock, tmp_path).database.dispose()
    assert calls == [tmp_path / "data"]
