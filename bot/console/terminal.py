"""What ``innerchild chat`` needs from the terminal it runs in, apart from the conversation.

- Standard input is read as UTF-8 with replacement characters: bytes that are not UTF-8 (a
  paste from elsewhere, a file in another encoding) arrive as "�" in the person's words,
  rather than failing the turn, or reaching the database as text it cannot store.
- At the prompt, Ctrl-D (and Ctrl-C, in ``cli.chat``) ends the chat on a line of its own, so
  the shell's prompt never lands after ``> ``.
- The width to wrap to, asked again before each line (a window can be resized); none when
  standard output is not a terminal.
- Log lines: when standard error is the terminal the conversation is on, they go to
  ``console.log`` in the data directory (0600) instead, so no log line lands in the middle
  of the chat; redirected (``2>file``, a pipe) they stay on standard error.
- The first run's note, which the companion says in its own words (where what is written is
  kept, and its key) instead of a log line about a new key file.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from ..logs import HANDLER

PROMPT = "> "
LOG_FILE = "console.log"


def read_replacing(stream: TextIO) -> None:
    """``stream`` (standard input) decodes UTF-8, and bytes that are not become "�"."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="replace")


def prompted_lines(out: TextIO) -> Iterator[str]:
    """What the person types at the prompt, line by line, until Ctrl-D; then the line the
    prompt was on is ended."""
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            out.write("\n")
            out.flush()
            return


def columns(out: TextIO) -> Callable[[], int | None] | None:
    """The width to wrap ``out`` to (one less than the terminal's columns, so a full line
    never makes a terminal add an empty one), or None when ``out`` is not a terminal."""
    if not out.isatty():
        return None
    return lambda: shutil.get_terminal_size().columns - 1


def logs_away_from_chat(data_dir: Path) -> Path | None:
    """When standard error is a terminal, the log lines go to ``console.log`` in
    ``data_dir`` (made 0700 if missing; the file 0600), with the format and filters the
    standard-error handler had. Returns the file, or None when they stay on standard error
    (redirected, or the file cannot be opened: then they are better there than lost)."""
    stderr = sys.stderr
    if stderr is None or not stderr.isatty():
        return None
    path = data_dir / LOG_FILE
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)  # whatever made it before
        stream = os.fdopen(fd, "a", encoding="utf-8", errors="replace")
    except OSError:
        return None
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER]:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(old.formatter)
        handler.setLevel(old.level)
        for log_filter in old.filters:
            handler.addFilter(log_filter)
        handler.set_name(HANDLER)
        root.removeHandler(old)
        root.addHandler(handler)
    return path


def first_run(data_dir: Path, database_file: Path | None, key_file: Path | None) -> dict[str, str] | None:
    """The names for the first run's note (``console_first_run``), or None when this is
    not one: the embedded database (``database_file``; None for any other) is not there
    yet. ``key_file``: the key file the start will create, None when the key is set in
    the environment. Asked before the start makes either."""
    if database_file is None or database_file.exists():
        return None
    return {"folder": str(data_dir), "key": str(key_file) if key_file is not None else ""}
