"""Talking to the companion as a console person would, in-process, with a test clock."""

from __future__ import annotations

import io

from bot.console import ConsoleChat

ONBOARD = ["1", "1", "1", "1", "United Kingdom", "London", "Sam", "Little Sam", "2"]


class Person:
    """One console person: ``say`` a line, read back what the companion printed."""

    def __init__(self, companion, name: str = "sam", export_dir=None, picture_dir=None):
        self.out = io.StringIO()
        self.chat = ConsoleChat(companion, name, self.out, interactive=False, export_dir=export_dir, picture_dir=picture_dir)
        self.chat.run([])  # opens the conversation, as starting the console does

    def say(self, *lines: str) -> str:
        start = len(self.out.getvalue())
        for line in lines:
            self.chat.run_line(line)
        return self.out.getvalue()[start:]

    def onboard(self) -> str:
        return self.say(*ONBOARD)

    @property
    def buttons(self) -> list[str]:
        return [b.label for b in self.chat.buttons]
