"""``innerchild chat`` in a real (pseudo-)terminal: a prompt, bubbles, and Ctrl-D to leave."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.test_cli import env_for


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


def test_interactive_chat_in_a_terminal(tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "sam"],
        stdin=secondary, stdout=secondary, stderr=secondary, cwd=tmp_path, env=env_for(tmp_path), close_fds=True,
        start_new_session=True,  # its own session, as a terminal login gives it
    )
    os.close(secondary)
    try:
        out = read_until(primary, "> ")
        assert "Hello, and welcome" in out and "[1] Tell me more" in out
        os.write(primary, b"1\n")
        out = read_until(primary, "If things ever feel like too much")
        assert "A few honest words first" in out
        if not out.rstrip().endswith(">"):  # the prompt may have come in the same read
            read_until(primary, "> ")
        os.write(primary, b"\x04")  # Ctrl-D ends the chat
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
