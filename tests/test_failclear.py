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
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage import Cipher, Database, new_key
from bot.storage.keycheck import KEY_CHECK, PLAINTEXT
from bot.storage.limits import external_id_length
from bot.storage.types import utcnow
from safety.countries import codes as country_codes
from tests.conftest import TEST_KEY, FakeClock, build_runtime
from tests.fakes import FakeBotAPI
from tests.telegram.e2e import BotProcess
from tests.test_cli import ONBOARD, env_for, innerchild

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


@contextmanager
def refusing_writes(path: Path, mode: int) -> Iterator[Path]:
    """``path`` this process cannot write: ``mode`` without write bits, and for root (whom
    modes do not stop) immutable as well."""
    writable = path.stat().st_mode & 0o777
    path.chmod(mode)
    immutable = False
    try:
        if os.geteuid() == 0:
            if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
                pytest.skip("running as root, and this file system cannot make a file immutable (chattr +i): nothing here refuses root")
            immutable = True
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(writable)


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A data directory this process cannot write (mode 0500)."""
    folder = tmp_path / "data"
    folder.mkdir()
    with refusing_writes(folder, 0o500):
        yield folder


def test_an_unwritable_data_directory_is_one_line(unwritable: Path, tmp_path: Path) -> None:
    for command in (["chat"], ["db", "upgrade"]):
        result = innerchild(*command, tmp_path=tmp_path, INNERCHILD_DATABASE_URL=EMBEDDED)
        one_line(result, f"the data directory {unwritable} is not writable by this user", "INNERCHILD_DATA_DIR")
    result, calls = run_bot(tmp_path, INNERCHILD_DATA_DIR=str(unwritable))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"innerchild: the data directory {unwritable} is not writable"), result.stderr
    assert calls == 0


def test_an_unwritable_database_file_is_one_line(tmp_path: Path) -> None:
    """SQLite opens a file it cannot write read-only and fails at the first write, a turn
    later; the start says so instead."""
    path = a_database(tmp_path)
    with refusing_writes(path, 0o400):
        result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="/journal\nhello\n", INNERCHILD_DATABASE_URL=EMBEDDED)
    one_line(result, f"the database file {path} cannot be written", "make it writable by this user")


# -- 3. a key that does not read the database ------------------------------------------------
WRONG_KEY = "INNERCHILD_ENCRYPTION_KEY cannot read this database (it was encrypted with another key)"


def someone_confided(db_url: str, tmp_path: Path, key: str = TEST_KEY) -> None:
    """A database (either backend) holding Sam, their name and two journal entries, under ``key``."""
    runtime = build_runtime(db_url, FakeClock(), tmp_path, encryption_key=key)
    try:
        with runtime.database.transaction() as repo:
            person, _ = repo.get_or_create_person("console:sam", utcnow())
            person.name = "Sam"
            repo.add_journal(person, "journaling", "today", "the words only I know", utcnow())
            repo.add_journal(person, "journaling", "today", "and more of them", utcnow())
    finally:
        runtime.database.dispose()


def raw(db_url: str, sql: str, **params: object) -> list[tuple]:
    """Read or write the database as it is stored, under no key."""
    database = Database(db_url)
    try:
        with database.engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        database.dispose()


def test_a_wrong_key_stops_the_console_with_one_line(db_url: str, tmp_path: Path) -> None:
    someone_confided(db_url, tmp_path)
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="/journal\n", INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=new_key())
    one_line(result, WRONG_KEY, "innerchild keys rotate")
    assert "the words only I know" not in result.stdout + result.stderr


def test_a_wrong_key_stops_the_bot_before_it_talks_to_telegram_or_stores_anyone(db_url: str, tmp_path: Path) -> None:
    someone_confided(db_url, tmp_path)
    result, calls = run_bot(tmp_path, INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=new_key())
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"innerchild: {WRONG_KEY}"), result.stderr
    assert calls == 0
    assert raw(db_url, "SELECT external_id FROM persons") == [("console:sam",)]


def test_a_value_under_another_key_stops_the_start_even_when_the_key_check_reads(db_url: str, tmp_path: Path) -> None:
    """A database whose key check is readable but whose stored words are not (the check lost
    and rewritten under another key): the start stops, and no turn meets the words later."""
    someone_confided(db_url, tmp_path)
    other = new_key()
    raw(db_url, "UPDATE meta SET value = :token WHERE key = :key", token=Cipher([other]).encrypt(PLAINTEXT), key=KEY_CHECK)
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="/journal\n", INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=other)
    one_line(result, WRONG_KEY)


def test_a_new_database_takes_any_key_and_then_only_that_one(db_url: str, tmp_path: Path) -> None:
    """Made by ``db upgrade`` (under TEST_KEY), it starts with any key; the first start's key
    is the database's from then on, even before anyone is stored (a second process with
    another key would write people the first cannot read)."""
    made = innerchild("db", "upgrade", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=db_url)
    assert made.returncode == 0, made.stderr
    other = new_key()
    first = innerchild("stats", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=other)
    assert first.returncode == 0, first.stderr
    assert Cipher([other]).decrypt(raw(db_url, "SELECT value FROM meta WHERE key = :key", key=KEY_CHECK)[0][0]) == PLAINTEXT
    again = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="", INNERCHILD_DATABASE_URL=db_url)  # TEST_KEY: not the database's
    one_line(again, WRONG_KEY)


# -- 4. keys rotate with a key that does not match -------------------------------------------
def test_rotating_with_a_key_that_reads_nothing_is_one_line(db_url: str, tmp_path: Path) -> None:
    someone_confided(db_url, tmp_path)
    result = innerchild("keys", "rotate", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=f"{new_key()},{new_key()}")
    one_line(result, WRONG_KEY, "innerchild keys rotate")


def test_rotating_past_a_value_no_key_reads_is_one_line_and_changes_nothing(db_url: str, tmp_path: Path) -> None:
    someone_confided(db_url, tmp_path)
    stray = Cipher([new_key()]).encrypt("and more of them")
    last = raw(db_url, "SELECT max(id) FROM journal_entries")[0][0]
    raw(db_url, "UPDATE journal_entries SET text = :token WHERE id = :id", token=stray, id=last)
    before = raw(db_url, "SELECT id, text FROM journal_entries ORDER BY id")
    result = innerchild("keys", "rotate", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=db_url, INNERCHILD_ENCRYPTION_KEY=f"{new_key()},{TEST_KEY}")
    line = one_line(result, "no key of INNERCHILD_ENCRYPTION_KEY reads a value stored in journal_entries.text", "nothing was re-encrypted")
    assert "and more of them" not in line and stray not in line
    assert raw(db_url, "SELECT id, text FROM journal_entries ORDER BY id") == before


# -- 5. an id longer than its column ---------------------------------------------------------
def test_a_console_name_longer_than_the_column_is_one_line(db_url: str, tmp_path: Path) -> None:
    room = external_id_length() - len("console:")
    result = innerchild("chat", "--user", "x" * 120, tmp_path=tmp_path, stdin="hello\n", INNERCHILD_DATABASE_URL=db_url)
    one_line(result, "--user is 120 characters long", f"at most {room}")
    assert innerchild("db", "upgrade", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=db_url).returncode == 0
    longest = innerchild("chat", "--user", "x" * room, tmp_path=tmp_path, stdin=ONBOARD, INNERCHILD_DATABASE_URL=db_url)
    assert longest.returncode == 0 and "Traceback" not in longest.stderr, longest.stderr
    assert raw(db_url, "SELECT external_id FROM persons") == [(f"console:{'x' * room}",)]


# -- 6. settings accepted silently though wrong ----------------------------------------------
@pytest.mark.parametrize("name,value,says", [
    ("INNERCHILD_ADMIN_IDS", "abc", "'abc' is not a Telegram user id: list numeric ids, comma-separated"),
    ("INNERCHILD_ADMIN_IDS", "1001,@sam", "'@sam' is not a Telegram user id"),
    ("INNERCHILD_DEFAULT_COUNTRY", "ZZ", "ZZ is not a country code"),
    ("INNERCHILD_RETENTION_DAYS", "-30", "must be 0 (keep people until they delete) or a number of days"),
    ("INNERCHILD_RETENTION_NOTICE_DAYS", "-1", "must be at least 1"),
    ("INNERCHILD_CHECKIN_GRACE_MINUTES", "-5", "must be 0 or more"),
    ("INNERCHILD_CHECKIN_SWEEP_SECONDS", "0", "must be 1 second or more"),
    ("INNERCHILD_SEND_PER_SECOND", "0", "must be more than 0"),
    ("INNERCHILD_CHECKINS_PER_SECOND", "-1", "must be more than 0"),
    ("INNERCHILD_MESSAGE_PAUSE", "-0.5", "must be between 0 and 60 seconds"),
    ("INNERCHILD_WEBHOOK_PORT", "0", "must be a TCP port"),
    ("INNERCHILD_WEBHOOK_URL", "bot.example.org/telegram", "must be an address starting with https://"),
])
def test_a_wrong_setting_is_one_line(tmp_path: Path, name: str, value: str, says: str) -> None:
    result = innerchild("stats", tmp_path=tmp_path, **{name: value})
    one_line(result, f"innerchild: {name}: {says}")


def test_right_settings_still_start(tmp_path: Path) -> None:
    result = innerchild("stats", tmp_path=tmp_path, INNERCHILD_ADMIN_IDS=" 1001, 2002 ", INNERCHILD_DEFAULT_COUNTRY="xk", INNERCHILD_MESSAGE_PAUSE="0")
    assert result.returncode == 0, result.stderr
    assert set(country_codes()) >= {"GB", "US", "IN", "XK"}


# -- anything unexpected ---------------------------------------------------------------------
SECRET = "my brother hurt me when I was seven"
BOOM = f"""
import bot.app, bot.cli

def build(*args, **kwargs):
    raise ValueError({SECRET!r})

bot.app.build = build
bot.cli.main()
"""


def test_an_unexpected_error_is_one_line_without_what_anyone_wrote(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    env.pop("INNERCHILD_LOG_LEVEL", None)
    done = subprocess.run([sys.executable, "-c", BOOM, "stats"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.strip() == "innerchild: stopped by an unexpected ValueError: run it again with INNERCHILD_LOG_LEVEL=DEBUG for details"
    assert SECRET not in done.stdout + done.stderr
    debug = subprocess.run([sys.executable, "-c", BOOM, "stats"], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=dict(env, INNERCHILD_LOG_LEVEL="DEBUG"))
    assert debug.returncode == 1 and "Traceback" in debug.stderr and SECRET in debug.stderr  # asked for
    assert debug.stderr.strip().splitlines()[-1].startswith("innerchild: stopped by an unexpected ValueError")
