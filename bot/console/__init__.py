"""The terminal adapter: talk to the companion with no Telegram token."""

from .chat import ConsoleChat, parse_line

__all__ = ["ConsoleChat", "parse_line"]
