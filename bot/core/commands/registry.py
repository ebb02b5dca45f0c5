"""One table of commands: what each does, whether it needs consent or an operator, and how
Telegram's command menu describes it. Every command the companion knows is registered here,
the core's and each feature's alike, so a name can be neither misspelt nor taken twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from ...domain import Reply

C = TypeVar("C")  # what every handler receives: the core's TurnContext

NAME = re.compile(r"^[a-z0-9_]{1,32}$")  # Telegram's rule for bot commands


@dataclass(frozen=True)
class Command(Generic[C]):
    """``/name args``: ``handler(context, args)`` returns the replies.

    ``description`` names the text in texts.yaml that describes the command in Telegram's
    menu (None: not listed there); ``menu_rank`` orders the menu. The dispatcher applies the
    consent gate before a ``needs_consent`` handler runs, and answers an ``admin_only``
    command from anyone but an operator as it would an unknown one.
    """

    name: str
    handler: Callable[[C, str], list[Reply]]
    description: str | None = None
    needs_consent: bool = False
    admin_only: bool = False
    menu_rank: int = 0


class CommandError(ValueError):
    """A command that cannot be registered (a bad name, or one already taken)."""


class CommandRegistry(Generic[C]):
    def __init__(self) -> None:
        self._commands: dict[str, Command[C]] = {}

    def add(self, command: Command[C]) -> None:
        if not NAME.match(command.name):
            raise CommandError(f"/{command.name}: a command name is 1-32 of a-z, 0-9 and _")
        if command.name in self._commands:
            raise CommandError(f"/{command.name} is registered twice")
        self._commands[command.name] = command

    def get(self, name: str) -> Command[C] | None:
        return self._commands.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._commands

    def __iter__(self) -> Iterator[Command[C]]:
        return iter(self._commands.values())

    def menu(self) -> list[Command[C]]:
        """The commands Telegram's menu lists, in menu order."""
        return sorted((c for c in self._commands.values() if c.description), key=lambda c: c.menu_rank)
