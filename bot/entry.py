"""What every command-line entry point shares: settings and the runtime, or one clear line.

A configuration or start-up problem becomes ``innerchild: <what to fix>`` on standard error
and exit status 2; a person chatting never sees a traceback. ``bot/cli.py`` and each
feature's commands (``bot/checkins/cli.py``) use these, so neither imports the other.

The settings, the composition root and logging are imported when a command asks for them:
``innerchild --help`` (and a mistyped option) should answer without loading the companion.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from .config import Settings
    from .runtime import Runtime


DETAILS = "run it again with INNERCHILD_LOG_LEVEL=DEBUG for details"
_database_url: str | None = None  # the database a command opened: its errors name its file


def fail(message: str) -> NoReturn:
    typer.echo(f"innerchild: {message}", err=True)
    raise typer.Exit(2)


def unexpected(exc: Exception) -> NoReturn:
    """What no command expected, escaped from one (``cli.main``): a database problem becomes
    its own line (``storage.database.problem_line``); anything else one line naming only the
    exception's kind, since its message may carry what a person wrote. The traceback, with
    the message, only when the operator asks for it with INNERCHILD_LOG_LEVEL=DEBUG."""
    from .storage.database import problem_line

    line = problem_line(exc, _database_url or "sqlite://")
    if _debug():
        traceback.print_exception(exc, file=sys.stderr)
    if line is None:
        line = f"stopped by an unexpected {type(exc).__name__}: {DETAILS}"
    typer.echo(f"innerchild: {line}", err=True)
    sys.exit(1 if line.endswith(DETAILS) else 2)


def _debug() -> bool:
    level = os.environ.get("INNERCHILD_LOG_LEVEL", "")
    if not level:
        try:
            from .config import load_settings

            level = load_settings().log_level  # a .env file may set it
        except Exception:  # noqa: BLE001 - the settings are what broke: the environment decides
            level = ""
    return level.strip().upper() == "DEBUG"


def settings_or_exit(**overrides: object) -> Settings:
    from .config import SettingsError, load_settings

    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        fail(str(exc))


def person_id_or_exit(given: str, stored: str, option: str) -> None:
    """The id ``given`` (``--user sam``) becomes ``stored`` in the database (``console:sam``):
    one line when it would not fit its column (``storage.limits``), on every database alike."""
    from .storage.limits import external_id_length

    limit = external_id_length()
    if len(stored) > limit:
        room = limit - (len(stored) - len(given))
        fail(f"{option} is {len(given)} characters long, and a name here may have at most {room}: choose a shorter one")


def runtime_or_exit(settings: Settings, *, migrate: bool | None = None, last_good: bool = False, script_cache: bool = True) -> Runtime:
    from .app import build
    from .runtime import StartupError
    from .storage import DatabaseError, KeyError_

    global _database_url
    _database_url = settings.resolved_database_url
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
