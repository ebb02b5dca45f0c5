"""One script played in the terminal for its writer (``innerchild dialogues play``).

The opening comes from ``core.preview``: a stand-in person, with no onboarding, placed at
the chosen step. Every line after it is played exactly as ``ConsoleChat`` plays a chat
(piped: echoed as ``> line``, a number presses a button, ``/command`` works), safety
included. When the script is over the preview says so and stops reading, rather than
wandering on into the menu. Lines in square brackets are the preview's own, not the
companion's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from ..core import Companion, describe_failure
from ..core.preview import Progress, Standing, StandIn, open_preview, progress
from .chat import ConsoleChat

PREVIEW_USER = "preview"  # the stand-in's console name; the database is thrown away after
log = logging.getLogger(__name__)


class Preview:
    """A ``ConsoleChat`` that opens at a step of one dialogue and ends with it."""

    def __init__(
        self, companion: Companion, dialogue_id: str, out: TextIO, *, interactive: bool, export_dir: Path | None = None,
        width: Callable[[], int | None] | None = None,
    ):
        self.companion = companion
        self.dialogue_id = dialogue_id
        self.out = out
        self.chat = ConsoleChat(companion, PREVIEW_USER, out, interactive=interactive, export_dir=export_dir, width=width)

    def run(self, stand_in: StandIn, lines: Iterable[str], *, step: str | None = None, variables: Mapping[str, object] | None = None) -> bool:
        """Play until the script is over or the lines run out; False when it could not open."""
        where = f" from step '{step}'" if step else ""
        self.note(f"[preview: {self.dialogue_id}{where}; a stand-in person, nothing is kept]")
        try:
            opening = open_preview(self.companion, self.chat.user, stand_in, self.dialogue_id, step=step, variables=variables)
        except Exception as exc:  # noqa: BLE001 - one line in the log, never a traceback
            log.error("preview failed to open: %s", describe_failure(exc))
            self.chat.apologise()
            return False
        self.chat.deliver(opening)
        if self.ended():
            return True
        for line in lines:
            self.chat.run_line(line)
            if self.ended():
                break
        return True

    def ended(self) -> bool:
        """Whether the script is over; if so, the closing line is written."""
        try:
            standing = progress(self.companion, self.chat.user, self.dialogue_id)
        except Exception as exc:  # noqa: BLE001 - the database went away: the next turn reports it
            log.error("preview cannot tell where it is: %s", describe_failure(exc))
            return False
        if standing.progress is Progress.PLAYING:
            return False
        self.note(closing_line(self.dialogue_id, standing))
        return True

    def note(self, line: str) -> None:
        self.chat.say(line + "\n")
        self.out.flush()


def closing_line(dialogue_id: str, standing: Standing) -> str:
    if standing.progress is Progress.GONE:
        return "[end of preview: the stand-in deleted everything]"
    if standing.progress is Progress.LEFT:
        return f"[end of preview: {dialogue_id} was closed unfinished]"
    led_on = f"; it led on to {standing.now_in}" if standing.now_in else ""
    return f"[end of preview: {dialogue_id} has finished{led_on}]"
