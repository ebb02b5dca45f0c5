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

Nothing registers itself at import: ``app.build()`` calls ``install``, which puts the actions,
``/checkins``, the typed-time profile field, the texts and the export section into the
companion's ``Features``.

The pieces are imported where they are used, not at the top: ``innerchild --help`` reads
``cli`` (and so this package) and should not load the companion, the database layer and
the scheduler to print a page of help.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.context import Features
    from ..engine import DialogueLibrary, Problem
    from ..privacy import ExportPart
    from ..runtime import Runtime
    from ..storage import Person, Repository
    from .service import CheckinService

PROFILE_FIELD = "checkin_time"  # ask: profile.checkin_time


def install(features: Features, dialogues_dir: Path) -> list[Problem]:
    """Put check-ins into ``features``; returns the problems of the opening templates."""
    from .actions import ACTIONS, TEXTS, command, set_time
    from .openers import load_openers
    from .parse import parse_time
    from .service import OPENERS

    openers, problems = load_openers(dialogues_dir)
    features.assets[OPENERS] = openers
    for name, action in ACTIONS.items():
        features.add_action(name, action)
    features.add_command(command(openers))
    features.add_profile_field(PROFILE_FIELD, parse_time, set_time)
    features.add_export_section(export_section)
    features.need_texts(*TEXTS)
    return problems


def export_section(repo: Repository, person: Person, _library: DialogueLibrary, _now: datetime) -> ExportPart:
    """What /export shows about check-ins: the settings and every mood shared (the readable
    list of moods and their chart are ``progress``'s part)."""
    from ..privacy import ExportPart
    from ..storage import checkins as _store
    from .actions import status_values

    row = _store.settings_for(repo, person)
    return ExportPart(record={
        "checkins": {
            "settings": status_values(row, person.timezone) if row is not None else None,
            "moods": [{"mood": m.mood, "at": m.created_at.isoformat()} for m in _store.moods(repo, person)],
        }
    })


def service_for(runtime: Runtime) -> CheckinService:
    """The sweep for a built runtime (the scheduler and the CLI use it)."""
    from .service import CheckinService

    return CheckinService.from_settings(runtime.companion, runtime.settings.dialogues_dir, runtime.settings.checkin_grace_minutes)
