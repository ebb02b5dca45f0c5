"""The Telegram adapter: the companion as a python-telegram-bot application.

Thin on purpose: an update becomes an ``Event`` (``updates``), the companion plays the turn
in a worker thread (``handlers``), and its replies become paced Telegram calls (``sender``).
Around that: one person's updates in order (``processor``), a long text an app split into
several messages read as one (``coalesce``), updates confirmed to Telegram
only once handled (``polling``), the wiring (``application``) and ``innerchild run``
(``run``). Only this package imports ``telegram``.
"""

from .application import build_application, menu_commands
from .handlers import TelegramAdapter
from .run import run_bot

__all__ = ["TelegramAdapter", "build_application", "menu_commands", "run_bot"]
