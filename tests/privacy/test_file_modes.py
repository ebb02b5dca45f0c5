"""Files only their owner can read: the data directory 0700, the database and its -wal and
-shm 0600, the key file 0600 (a looser one refused with the command that fixes it), as the
``innerchild`` command leaves them on the embedded default."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.test_cli import answer_the_first_safety_plan_question


def embedded_env(tmp_path: Path) -> dict:
    """The embedded default: no database URL, no key setting, the key file in the data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNERCHILD_")}
    env["INNERCHILD_DATA_DIR"] = str(tmp_path / "data")
    return env


def chat(tmp_path: Path, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"], input=stdin, capture_output=True, text=True,
        timeout=120, cwd=tmp_path, env=embedded_env(tmp_path),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_chat_leaves_the_data_directory_0700_and_every_file_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # what a shell usually has: without the process's own umask, files would be 0644
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=embedded_env(tmp_path),
        )
    finally:
        os.umask(old)
    seen = answer_the_first_safety_plan_question(process)
    data = tmp_path / "data"
    try:
        assert "What helps you get through" in seen
        # While the chat is open, SQLite's -wal and -shm are there too.
        files = [data / name for name in ("innerchild.db", "innerchild.db-wal", "innerchild.db-shm", "secret.key")]
        assert {path.name: oct(mode(path)) for path in files} == {path.name: "0o600" for path in files}
        assert oct(mode(data)) == "0o700"
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0
    for path in data.rglob("*"):
        assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"


def test_a_key_file_others_can_read_is_refused_with_the_command_that_fixes_it(tmp_path: Path) -> None:
    assert chat(tmp_path, "").returncode == 0
    key = tmp_path / "data" / "secret.key"
    key.chmod(0o644)
    refused = chat(tmp_path, "hello\n")
    assert refused.returncode == 2
    assert refused.stderr == f"innerchild: the key file {key} can be read by others (mode 644): make it private with: chmod 600 {key}\n"
    assert refused.stdout == ""
    key.chmod(0o600)
    assert chat(tmp_path, "").returncode == 0


def test_a_looser_data_directory_and_database_from_before_are_tightened(tmp_path: Path) -> None:
    assert chat(tmp_path, "").returncode == 0
    data = tmp_path / "data"
    data.chmod(0o755)
    (data / "innerchild.db").chmod(0o644)
    again = chat(tmp_path, "")
    assert again.returncode == 0, again.stderr
    assert oct(mode(data)) == "0o700" and oct(mode(data / "innerchild.db")) == "0o600"


def test_a_looser_data_directory_that_cannot_be_tightened_is_reported(tmp_path: Path, monkeypatch, caplog) -> None:
    import logging

    from bot import private_files
    from bot.app import private_data_dir
    from bot.config import Settings

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)

    def refused(path, mode):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(private_files.os, "chmod", refused)  # a folder another user owns
    with caplog.at_level(logging.WARNING):
        private_data_dir(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]
    assert f"{data} can be read by others (mode 755) and could not be made private: run chmod 700 {data}" in caplog.text
