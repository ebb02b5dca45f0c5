"""Operators' exports: ``innerchild export`` for console people only, into a new private folder
each time (0700, files 0600, never overwriting another); a Telegram person's words only through
``innerchild privacy legal-export``, which needs a reason and records its use without the words.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import TEST_KEY, build_runtime
from tests.console.helpers import Person

WORDS = "my grandmother's green kitchen"  # only the person wrote these


@pytest.fixture
def people(db_url, clock, tmp_path):
    """sam and alex on the console and a Telegram person (tg:42), each with an answer in
    their journal; returns the options that point the command at their database."""
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        for name, user in (("sam", None), ("alex", None), ("telegram", "tg:42")):
            person = Person(runtime.companion, name)
            if user:
                person.chat.user = user  # the companion cannot tell an adapter from its id alone
                person.chat.run([])
            person.onboard()
            person.say("/start safety_plan", "1", f"{WORDS} ({name})")
    finally:
        runtime.database.dispose()
    return tmp_path / "data", ["--db", db_url]


def run(data: Path, *args: str):
    env = {"INNERCHILD_DATA_DIR": str(data), "INNERCHILD_ENCRYPTION_KEY": TEST_KEY, "INNERCHILD_LOG_LEVEL": "INFO"}
    return CliRunner().invoke(app, list(args), env=env)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_each_export_lands_in_a_new_private_folder_and_says_where(people, tmp_path, monkeypatch) -> None:
    data, db = people
    monkeypatch.chdir(tmp_path)
    first = run(data, "export", "--user", "sam", *db)
    second = run(data, "export", "--user", "console:sam", *db)
    other = run(data, "export", "--user", "alex", *db)
    for result in (first, second, other):
        assert result.exit_code == 0, result.output
    paths = [[Path(line) for line in result.stdout.splitlines()] for result in (first, second, other)]
    folders = {p.parent for printed in paths for p in printed}
    assert len(folders) == 3, "a second export, or another person's, never shares a folder"
    for folder in folders:
        assert folder.parent == data / "exports" and oct(mode(folder)) == "0o700"
        assert folder.name.startswith(("console_sam-", "console_alex-"))
    for printed in paths:
        assert sorted(p.name for p in printed) == ["innerchild-data.json", "innerchild-journal.txt"]
        assert all(oct(mode(p)) == "0o600" for p in printed)
    assert f"{WORDS} (sam)" in paths[0][0].read_text() + paths[0][1].read_text()
    assert f"{WORDS} (alex)" in paths[2][0].read_text() + paths[2][1].read_text()
    assert oct(mode(data / "exports")) == "0o700"
    assert not (tmp_path / "innerchild-export").exists(), "nothing in the working directory"


def test_export_of_a_telegram_person_is_one_line_and_writes_nothing(people) -> None:
    data, db = people
    result = run(data, "export", "--user", "tg:42", *db)
    assert result.exit_code == 2
    assert result.stderr == "innerchild: tg:42 is a Telegram person: they export their own data with /export in the chat\n"
    assert result.stdout == "" and WORDS not in result.output
    assert not (data / "exports").exists()
    assert run(data, "export", "--user", "xx:1", *db).exit_code == 2


def test_a_legal_export_needs_a_reason_and_records_its_use_without_the_words(people, caplog) -> None:
    data, db = people
    missing = run(data, "privacy", "legal-export", "--user", "tg:42", *db)
    assert missing.exit_code == 2 and "--reason" in missing.output
    blank = run(data, "privacy", "legal-export", "--user", "tg:42", "--reason", "  ", *db)
    assert blank.exit_code == 2 and blank.stderr == "innerchild: --reason must say which legal request this export answers\n"
    assert not (data / "legal-requests.log").exists() and not (data / "exports").exists()

    with caplog.at_level(logging.INFO):
        result = run(data, "privacy", "legal-export", "--user", "tg:42", "--reason", "Court order 2026/117", *db)
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.stdout.splitlines()]
    assert sorted(p.name for p in printed) == ["innerchild-data.json", "innerchild-journal.txt"]
    assert all(oct(mode(p)) == "0o600" and oct(mode(p.parent)) == "0o700" for p in printed)
    assert printed[0].parent.parent == data / "exports" and printed[0].parent.name.startswith("tg_42-")
    assert f"{WORDS} (telegram)" in "".join(p.read_text() for p in printed)

    record = data / "legal-requests.log"
    assert oct(mode(record)) == "0o600"
    [line] = record.read_text().splitlines()
    entry = json.loads(line)
    assert (entry["event"], entry["person"], entry["reason"]) == ("legal-export", "tg:42", "Court order 2026/117")
    assert entry["at"] and entry["by"]
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.exports"]
    assert len(logged) == 1 and "tg:42" in logged[0] and "Court order 2026/117" in logged[0]
    for text in (record.read_text(), result.stderr, caplog.text):
        assert "grandmother" not in text and "Little Sam" not in text
