"""What every command-line entry point shares: settings and the runtime, or one clear line.

A configuration or start-up problem becomes ``innerchild: <what to fix>`` on standard error
and exit status 2; a person chatting never sees a traceback. ``bot/cli.py`` and each
feature's commands (``bot/checkins/cli.py``) use these, so neither imports the other.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import typer

from .app import build
from .config import Settings, SettingsError, load_settings
from .runtime import Runtime, StartupError
from .storage import DatabaseError, KeyError_


def fail(message: str) -> NoReturn:
    typer.echo(f"innerchild: {message}", err=True)
    raise typer.Exit(2)


def settings_or_exit(**overrides: object) -> Settings:
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        fail(str(exc))


def runtime_or_exit(settings: Settings, *, migrate: bool | None = None, last_good: bool = False) -> Runtime:
    try:
        return build(settings, migrate=migrate, last_good=last_good)
    except (StartupError, DatabaseError, KeyError_) as exc:
        fail(str(exc))


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
