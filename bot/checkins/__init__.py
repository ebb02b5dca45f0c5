"""Check-ins: gentle nudges at the times people choose, never lost or sent twice.

The pieces, each with one job:

- ``schedule``  pure time math: the next slot for a rhythm, time, zone and quiet hours;
- ``parse``     reading typed times ("20:30", "8pm") and quiet hours;
- ``policy``    pure rules: send, wait or let a due nudge go, and how soft it should be;
- ``openers``   the operator's opening lines (``templates/checkin_*.j2``);
- ``actions``   the ``do:`` actions scripts use and the ``/checkins`` command;
- ``service``   one sweep: claim a due row, compose the nudge as a companion turn, record;
- ``scheduler`` APScheduler wiring: only triggers sweeps; the database decides who is due;
- ``cli``       ``innerchild checkins due``.

Importing this package registers the actions and texts scripts may use, so ``dialogues
check`` accepts ``do: checkins_on``; ``install`` attaches them to a running companion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import vocabulary as _vocabulary
from ..privacy import EXPORT_SECTIONS
from ..profile import PARSERS
from ..storage import checkins as _store
from .actions import ACTIONS, TEXTS, CheckinsCommand, set_time, status_values
from .parse import parse_time

if TYPE_CHECKING:
    from ..app import Runtime
    from ..companion import Companion
    from ..config import Settings
    from .service import CheckinService

PROFILE_FIELD = "checkin_time"  # ask: profile.checkin_time, once the companion offers the hook

_vocabulary.EXTRA_ACTIONS.update(ACTIONS)
_vocabulary.EXTRA_TEXTS.update(TEXTS)
if hasattr(_vocabulary, "EXTRA_PROFILE_FIELDS"):  # the typed-time hook (see the check-ins notes)
    _vocabulary.EXTRA_PROFILE_FIELDS.add(PROFILE_FIELD)
    PARSERS[PROFILE_FIELD] = parse_time


def export_section(repo, person) -> dict:  # noqa: ANN001 - (Repository, Person), as privacy calls it
    """What /export shows about check-ins: the settings and every mood shared."""
    row = _store.settings_for(repo, person)
    return {
        "checkins": {
            "settings": status_values(row, person.timezone) if row is not None else None,
            "moods": [{"mood": m.mood, "at": m.created_at.isoformat()} for m in _store.moods(repo, person)],
        }
    }


if export_section not in EXPORT_SECTIONS:
    EXPORT_SECTIONS.append(export_section)


def install(companion: Companion, settings: Settings) -> None:
    """Attach the actions and ``/checkins`` to a companion; check the opening templates."""
    from .openers import load_openers

    openers, problems = load_openers(settings.dialogues_dir)
    if problems:
        from ..app import StartupError

        raise StartupError("\n".join(str(p) for p in problems[:20]))
    companion.extra_actions.update(ACTIONS)
    companion.extra_commands["checkins"] = CheckinsCommand(openers)
    setters = getattr(companion, "profile_setters", None)
    if setters is not None:
        setters[PROFILE_FIELD] = set_time


def service_for(runtime: Runtime) -> CheckinService:
    """The sweep for a built runtime (the scheduler and the CLI use it)."""
    from .service import CheckinService

    return CheckinService.from_settings(runtime.companion, runtime.settings.dialogues_dir, runtime.settings.checkin_grace_minutes)
