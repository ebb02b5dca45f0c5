"""Fail clearly (#18): what an operator gets wrong, or what breaks under them, stops a command
with ONE line on standard error (``innerchild: <what is wrong>: <what to do>``) and a
non-zero exit, never a traceback. Each case runs the real command line in a process."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.fakes import FakeBotAPI
from tests.telegram.e2e import BotProcess
from tests.test_cli import ONBOARD, innerchild

pytestmark = pytest.mark.timeout(300)

EMBEDDED = ""  # INNERCHILD_DATABASE_URL unset: the embedded innerchild.db in the data directory


def one_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The command failed with exactly one line on standard error, naming each fragment."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert len(lines) == 1 and lines[0].startswith("innerchild: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def run_bot(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, int]:
    """``innerchild run`` against the fake Bot API; returns the result and how many calls
    the fake saw (a start that fails must fail before it talks to Telegram)."""
    with FakeBotAPI() as tg:
        bot = BotProcess(tg, tmp_path, **env)
        result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=bot.env, capture_output=True, text=True, timeout=120)
        return result, len(tg.calls())


def a_database(tmp_path: Path) -> Path:
    """The embedded database of one person who finished onboarding, folded into one file."""
    data = tmp_path / "data"
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD, INNERCHILD_DATABASE_URL=EMBEDDED)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data / "innerchild.db") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        (data / f"innerchild.db{suffix}").unlink(missing_ok=True)
    return data / "innerchild.db"


# -- 1. a damaged SQLite file ----------------------------------------------------------------
@pytest.fixture(params=["garbage", "truncated"])
def damaged(request, tmp_path: Path) -> Path:
    path = a_database(tmp_path)
    if request.param == "garbage":
        path.write_bytes(os.urandom(4096))
    else:
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
    return path


@pytest.mark.parametrize("command", [["chat", "--user", "sam"], ["db", "upgrade"], ["stats"]], ids=" ".join)
def test_a_damaged_database_file_is_one_line(damaged: Path, tmp_path: Path, command: list[str]) -> None:
    result = innerchild(*command, tmp_path=tmp_path, stdin="/journal\n", INNERCHILD_DATABASE_URL=EMBEDDED)
    one_line(result, f"the database file {damaged} is damaged or is not a database", "restore it from a backup")


def test_a_damaged_database_file_stops_the_bot_before_it_talks_to_telegram(damaged: Path, tmp_path: Path) -> None:
    result, calls = run_bot(tmp_path, INNERCHILD_DATABASE_URL="", INNERCHILD_DATA_DIR=str(damaged.parent))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"innerchild: the database file {damaged} is damaged"), result.stderr
    assert calls == 0


# -- 2. a data directory that cannot be used -------------------------------------------------
def test_a_data_directory_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder\n")
    for command in (["chat"], ["db", "upgrade"], ["stats"]):
        result = innerchild(*command, tmp_path=tmp_path, INNERCHILD_DATABASE_URL=EMBEDDED)
        one_line(result, f"the data directory {tmp_path / 'data'} is a file, not a folder", "INNERCHILD_DATA_DIR")


def test_a_data_directory_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    below = tmp_path / "file" / "data"
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DATA_DIR=str(below), INNERCHILD_DATABASE_URL=EMBEDDED)
    one_line(result, f"the data directory {below} cannot be made: {tmp_path / 'file'} is a file, not a folder")


def test_a_data_directory_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    nowhere = Path("/proc/innerchild-test/data")  # no one, root included, makes a folder in /proc
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DATA_DIR=str(nowhere), INNERCHILD_DATABASE_URL=EMBEDDED)
    one_line(result, f"the data directory {nowhere} cannot be made", "INNERCHILD_DATA_DIR")


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A data directory this process cannot write: mode 0500, and for root (whom modes do
    not stop) immutable as well."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o500)
    immutable = False
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            folder.chmod(0o700)
            pytest.skip("running as root, and this file system cannot make a folder immutable (chattr +i): no folder here refuses root")
        immutable = True
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o700)


def test_an_unwritable_data_directory_is_one_line(unwritable: Path, tmp_path: Path) -> None:
    for command in (["chat"], ["db", "upgrade"]):
        result = innerchild(*command, tmp_path=tmp_path, INNERCHILD_DATABASE_URL=EMBEDDED)
        one_line(result, f"the data directory {unwritable} is not writable by this user", "INNERCHILD_DATA_DIR")
    result, calls = run_bot(tmp_path, INNERCHILD_DATA_DIR=str(unwritable))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"innerchild: the data directory {unwritable} is not writable"), result.stderr
    assert calls == 0
