"""``innerchild chat`` in a real (pseudo-)terminal: a prompt, bubbles, and Ctrl-D to leave;
lines wrapped to the window at word boundaries; Ctrl-D and Ctrl-C end on a line of their
own; no log line on the screen, and the first start's note in the companion's words."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.test_cli import env_for

GOODBYE = "Take care. Your place is kept."


def read_until(fd: int, needle: str, timeout: float = 30) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
    assert needle in seen, f"waited for {needle!r}, saw:\n{seen}"
    return seen


def read_rest(fd: int, timeout: float = 20) -> str:
    """Everything the process writes until it closes the terminal."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other end is closed: the process has ended
                break
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
    return seen


def start_chat(tmp_path: Path, *, columns: int = 80, **env: str) -> tuple[subprocess.Popen, int]:
    """``innerchild chat`` on a new pseudo-terminal of ``columns`` (its stdin, stdout and stderr)."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environment = {k: v for k, v in env_for(tmp_path, **env).items() if k != "COLUMNS" and k != "LINES"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"],
        stdin=secondary, stdout=secondary, stderr=secondary, cwd=tmp_path, env=environment, close_fds=True,
        start_new_session=True, preexec_fn=as_a_foreground_job,
    )
    os.close(secondary)
    return process, primary


def as_a_foreground_job() -> None:
    """Ctrl-C reaches the chat as it does a command a person types in a shell. A test run
    started in the background (``make test &``, a CI runner) has SIGINT ignored, and an
    ignored signal stays ignored in every process it starts: the chat would never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def chat_in_terminal(tmp_path: Path, *, columns: int = 80, **env: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """``start_chat``, and the chat killed (if still running) and its terminal closed after."""
    process, primary = start_chat(tmp_path, columns=columns, **env)
    try:
        yield process, primary
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)


def test_ctrl_d_ends_on_a_line_of_its_own(tmp_path: Path) -> None:
    with chat_in_terminal(tmp_path) as (process, primary):
        read_until(primary, "> ")
        os.write(primary, b"\x04")
        rest = read_rest(primary)
        assert process.wait(timeout=20) == 0
        assert rest.startswith("\r\n"), f"the shell's prompt would follow '> ' on its line: {rest!r}"
        assert GOODBYE in rest and rest.endswith("\r\n")


def test_ctrl_c_at_the_prompt_ends_on_a_line_of_its_own(tmp_path: Path) -> None:
    with chat_in_terminal(tmp_path) as (process, primary):
        read_until(primary, "> ")
        os.write(primary, b"half a thou")  # typed, not sent
        read_until(primary, "half a thou")
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        # A signal that lands just before the read starts waits for the next one (Python
        # sees it when the read is interrupted): a second press, as a person would.
        for _ in range(10):
            try:
                process.wait(timeout=2)
                break
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGINT)
        rest = read_rest(primary)
        try:
            status = process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # say what the chat was doing
            logs = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("console.log"))
            pytest.fail(f"the chat did not end after Ctrl-C; the terminal showed {rest!r}; its log: {logs!r}")
        assert status == 0
        assert rest.startswith("\r\n") and GOODBYE in rest and rest.endswith("\r\n"), repr(rest)
        assert "Traceback" not in rest


def test_lines_wrap_at_word_boundaries_to_the_window(tmp_path: Path) -> None:
    with chat_in_terminal(tmp_path, columns=40) as (process, primary):
        out = read_until(primary, "> ").replace("\r\n", "\n")
        lines = [line for line in out.split("\n") if line and not line.startswith("> ")]
        assert max(len(line) for line in lines) <= 39, out  # one column spare
        assert " ".join(out.split()).startswith(
            "Hello, and welcome. I'm a companion for gentle inner child work: short guided conversations that help you"
        ), "a word was cut"
        assert "  [1] Tell me more" in lines
        os.write(primary, b"1\n1\n")
        out = read_until(primary, "[3] Pause for now").replace("\r\n", "\n")
        assert "This companion is made for adults." in out
        os.write(primary, b"\x04")
        assert process.wait(timeout=20) == 0


def test_first_start_speaks_as_the_companion_and_logs_go_to_a_file(tmp_path: Path) -> None:
    # the embedded default: no database URL and no key in the environment, so a key file is made
    with chat_in_terminal(tmp_path, INNERCHILD_DATABASE_URL="", INNERCHILD_ENCRYPTION_KEY="") as (process, primary):
        out = read_until(primary, "> ").replace("\r\n", "\n")
        assert out.startswith("Before we begin, a word about where things are kept."), out
        data = tmp_path / "data"
        assert str(data / "secret.key") in " ".join(out.split())
        assert "WARNING" not in out and "bot.app" not in out  # no log line on the screen
        os.write(primary, b"\x04")
        assert process.wait(timeout=20) == 0
    log = data / "console.log"
    assert "created a new encryption key" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    # the second start is not a first one
    with chat_in_terminal(tmp_path, INNERCHILD_DATABASE_URL="", INNERCHILD_ENCRYPTION_KEY="") as (process, primary):
        out = read_until(primary, "> ")
        assert "Before we begin, a word" not in out and "Welcome" in out or "Hello, and welcome" in out
        os.write(primary, b"\x04")
        assert process.wait(timeout=20) == 0


def test_bytes_that_are_not_utf8_are_read_with_replacement_characters(tmp_path: Path) -> None:
    with chat_in_terminal(tmp_path) as (process, primary):
        read_until(primary, "> ")
        os.write(primary, b"1\n1\n1\n1\n1\n1\n1\n1\n2\n")  # onboarding, skipping what can be skipped
        read_until(primary, "at your own pace")
        os.write(primary, b"/start journaling\n")
        read_until(primary, "Show me the prompt")
        os.write(primary, b"1\n")
        read_until(primary, "Skip this one")
        os.write(primary, b"I feel sec\xffret words here\n")
        out = read_until(primary, "> ", timeout=30)
        assert "Something went wrong" not in out
        os.write(primary, b"/journal\n")
        out = read_until(primary, "ret words here")
        assert "sec\ufffdret words here" in out
        os.write(primary, b"\x04")
        assert process.wait(timeout=20) == 0


def test_interactive_chat_in_a_terminal(tmp_path: Path) -> None:
    with chat_in_terminal(tmp_path) as (process, primary):
        out = read_until(primary, "> ")
        assert "Hello, and welcome" in out and "[1] Tell me more" in out
        os.write(primary, b"1\n")
        out = read_until(primary, "If things ever feel like too much")
        assert "A few honest words first" in out
        if not out.rstrip().endswith(">"):  # the prompt may have come in the same read
            read_until(primary, "> ")
        os.write(primary, b"\x04")  # Ctrl-D ends the chat
        assert process.wait(timeout=20) == 0
