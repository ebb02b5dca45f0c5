"""A conversation with the companion in a terminal, or from a file of lines.

Interactive in a terminal (a prompt, a short pause between bubbles). When standard input
is not a terminal, each line is one message, echoed as ``> line`` so the output reads as a
transcript: a line holding only a number presses that button, a line starting with ``/``
is a command, and the end of input ends the chat. The golden transcripts are exactly this.

A picture (the mood chart) cannot be drawn in a terminal: it is written to a file only its
owner can read, in the data directory (``pictures/<person>/<name>.png``, the newest of each
kind replacing the last), and shown as one line ``[picture] <path>`` with its words under
it. An export (``/export``) is written to a new private folder of its own under the data
directory's ``exports/`` (``exports.export_folder``: 0700, files 0600, never overwriting
another). ``/delete`` takes the pictures and the exports away with everything else.

In a terminal, every line is wrapped at word boundaries to its width (``wrap``), read again
before each write so a resized window is followed; to a pipe or a file nothing is wrapped.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from ..core import LAST_RESORT_SORRY, Companion, TurnFailed, describe_failure
from ..domain import Button, Event, EventKind, Picture, Reply
from ..exports import export_folder, folders_of
from ..engine.templates import html_to_plain
from ..private_files import write_private
from .wrap import wrap

BUBBLE_PAUSE = 0.6
PICTURE_PREFIX = "[picture] "
log = logging.getLogger(__name__)


def parse_line(line: str, buttons: tuple[Button, ...], user: str) -> Event | None:
    text = line.strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Event(user, EventKind.BUTTON, data=buttons[int(text) - 1].data)
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        command, _, args = text.partition(" ")
        return Event(user, EventKind.COMMAND, text=command, args=args)
    return Event(user, EventKind.TEXT, text=line.rstrip("\r\n"))


class ConsoleChat:
    def __init__(
        self, companion: Companion, user: str, out: TextIO, *, interactive: bool,
        export_dir: Path | None = None, picture_dir: Path | None = None,
        width: Callable[[], int | None] | None = None,
    ):
        self.companion = companion
        self.user = f"console:{user}"
        self.out = out
        self.interactive = interactive
        self.buttons: tuple[Button, ...] = ()
        self.width = width  # the terminal's columns, asked before each write; None: no wrapping
        # Where each export gets a folder of its own (``innerchild chat`` passes the data
        # directory's exports/); without one, a private temporary folder made when one comes.
        self._exports_root = export_dir
        # The data directory's pictures/ (``innerchild chat`` passes it), this person's own
        # folder in it; without one, a private temporary folder made when a picture comes.
        self._pictures_root = picture_dir
        self._picture_folder = re.sub(r"[^A-Za-z0-9_-]", "_", user)[:64] or "_"

    @property
    def picture_dir(self) -> Path:
        if self._pictures_root is None:
            self._pictures_root = Path(tempfile.mkdtemp(prefix="innerchild-pictures-"))
        return self._pictures_root / self._picture_folder

    @property
    def exports_root(self) -> Path:
        if self._exports_root is None:
            self._exports_root = Path(tempfile.mkdtemp(prefix="innerchild-exports-"))
        return self._exports_root

    def run(self, lines: Iterable[str]) -> None:
        self.play(Event(self.user, EventKind.OPEN))
        for line in lines:
            self.run_line(line)

    def run_line(self, line: str) -> None:
        """One line from the person: echoed in piped mode, then answered."""
        if not self.interactive:
            self.say(f"> {line.rstrip()}")
        event = parse_line(line, self.buttons, self.user)
        if event is not None:
            self.play(event)

    def play(self, event: Event) -> None:
        """One turn and its replies; when it fails, the crisis card its words call for, or
        the apology."""
        try:
            result = self.companion.handle(event)
        except Exception as exc:  # noqa: BLE001 - a person never sees a traceback, the log never their words
            log.error("turn failed (%s): %s", event.kind.value, describe_failure(exc))
            if isinstance(exc, TurnFailed) and exc.replies:
                self.deliver(exc.replies)  # the crisis card, whatever broke
            else:
                self.apologise()
            return
        self.deliver(result.replies)
        if result.deactivate:
            self.buttons = ()
            if self._pictures_root is not None:  # their pictures go with the rest
                shutil.rmtree(self.picture_dir, ignore_errors=True)
            if self._exports_root is not None:  # and the exports they asked for here
                for folder in folders_of(self._exports_root, self.user):
                    shutil.rmtree(folder, ignore_errors=True)

    def apologise(self) -> None:
        try:
            sorry = self.companion.library.texts.plain("something_went_wrong_console")
        except Exception:  # noqa: BLE001 - texts.yaml broken as well: the defaults speak
            sorry = LAST_RESORT_SORRY
        self.say(sorry + "\n")

    def deliver(self, replies: list[Reply]) -> None:
        shown_buttons: tuple[Button, ...] = ()
        export: Path | None = None  # the folder of this turn's export, made at its first file
        for index, reply in enumerate(replies):
            if self.interactive and index:
                self.out.flush()
                time.sleep(BUBBLE_PAUSE)
            if reply.text:
                self.say(html_to_plain(reply.text).rstrip())
            if reply.picture is not None:
                self.show_picture(reply.picture)
            if reply.document is not None:
                if export is None:
                    export = export_folder(self.exports_root, self.user, datetime.now(UTC))
                write_private(export / Path(reply.document.filename).name, reply.document.content)
                saved = {"filename": reply.document.filename, "folder": str(export)}
                self.say(self.companion.library.texts.plain("console_saved", saved))
            for number, button in enumerate(reply.buttons, start=1):
                self.say(f"  [{number}] {button.label}")
            if reply.buttons:
                shown_buttons = reply.buttons
            self.out.write("\n")
        if replies:
            self.buttons = shown_buttons
        self.out.flush()

    def show_picture(self, picture: Picture) -> None:
        """The ``[picture] <path>`` line, then the words under the picture. When the file
        cannot be written (a full disk), the words still come, after one line that says so."""
        path = self.picture_dir / f"{picture.name}.png"
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(path.parent, 0o700)  # the person's own folder, whatever made it before
            write_private(path, picture.png)
        except OSError as exc:
            log.error("a picture could not be written to %s: %s", self.picture_dir, exc.strerror or type(exc).__name__)
            self.say(self.companion.library.texts.plain("console_picture_failed"))
        else:
            self.say(f"{PICTURE_PREFIX}{path}")
        if picture.caption:
            self.say(html_to_plain(picture.caption).rstrip())

    def say(self, text: str) -> None:
        """``text`` and a line end, wrapped to the terminal's width when there is one."""
        self.out.write(wrap(text, self.width() if self.width else None) + "\n")
