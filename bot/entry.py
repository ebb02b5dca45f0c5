"""What every command-line entry point shares: settings and the runtime, or one clear line.

A configuration or start-up problem becomes ``innerchild: <what to fix>`` on standard error
and exit status 2; a person chatting never sees a traceback. ``bot/cli.py`` and each
feature's commands (``bot/checkins/cli.py``) use these, so neither imports the other.

The settings, the composition root and logging are imported when a command asks for them:
``innerchild --help`` (and a mistyped option) should answer without loading the companion.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from .config import Settings
    from .runtime import Runtime


def fail(message: str) -> NoReturn:
    typer.echo(f"innerchild: {message}", err=True)
    raise typer.Exit(2)


def settings_or_exit(**overrides: object) -> Settings:
    from .config import SettingsError, load_settings

    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        fail(str(exc))


def runtime_or_exit(settings: Settings, *, migrate: bool | None = None, last_good: bool = False, script_cache: bool = True) -> Runtime:
    from .app import build
    from .runtime import StartupError
    from .storage import DatabaseError, KeyError_

    try:
        runtime = build(settings, migrate=migrate, last_good=last_good, script_cache=script_cache)
    except (StartupError, DatabaseError, KeyError_) as exc:
        fail(str(exc))
    started()
    return runtime


def starting() -> None:
    """Start-up makes some 250,000 objects (modules, scripts, templates, the lexicon) that
    live as long as the process; the cyclic garbage collector would walk them again and
    again while they are being made, a quarter of a start's CPU time. So ``main`` turns it
    off first, and ``started`` turns it back on."""
    gc.disable()


def started() -> None:
    """Start-up is done: what it made is moved out of the collector's sight (``gc.freeze``:
    later collections, during turns, do not walk it either), and the collector runs as usual
    from here. Safe to call more than once."""
    gc.freeze()
    gc.enable()


def thaw() -> None:
    """New scripts are served (a reload): what start-up made is in the collector's sight
    again, so the scripts served before, reference cycles and all, can be collected (frozen,
    they would stay in memory for good)."""
    gc.unfreeze()


def logging_for(settings: Settings, *, quiet: bool = False) -> None:
    """Logging as configured; ``quiet`` (the console chat): INFO is not shown, so the
    conversation reads clean."""
    from .logs import setup_logging

    level = "WARNING" if quiet and settings.log_level == "INFO" else settings.log_level
    setup_logging(level, settings.log_format)
