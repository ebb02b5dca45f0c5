"""What a person's choices do to their check-ins: the ``do:`` actions scripts use, and the
``/checkins`` command.

Every function here runs inside a companion turn (it receives the ``TurnContext``), so a choice and the dialogue
step it belongs to commit together. Values a script collects with buttons (``set: {rhythm:
few, time: "20:30", quiet: "22:00-08:00"}``) are read from the dialogue's own ``vars`` when
``checkins_on`` runs: the script owns the wording and the choices, this module only keeps
them. The same parsers read those values and what people type, so both follow one format.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from ..core import sessions
from ..core.commands.registry import Command
from ..core.context import TurnContext
from ..domain import Reply
from ..storage import checkins as store
from .openers import Openers
from .parse import TEXTS as PARSE_TEXTS
from .parse import days_text, parse_days, parse_quiet_hours, parse_rhythm, parse_time
from .policy import MIN_GAP
from .schedule import LESS_OFTEN, Rhythm, format_minute, later_today, next_slot, out_of_quiet_hours

log = logging.getLogger(__name__)

SETUP_DIALOGUE = "checkins"
FIRST_SLOT_AFTER = timedelta(seconds=30)  # the first nudge may be the very next slot ("in a minute")
SNOOZE_HOUR = timedelta(hours=1)
EVENING = 19 * 60
MOODS = range(1, 6)
TEXTS = frozenset({"checkins_off_done"}) | PARSE_TEXTS


def rhythm_of(row: store.CheckinSettings, timezone: str | None) -> Rhythm:
    quiet = (row.quiet_start, row.quiet_end) if row.quiet_start is not None and row.quiet_end is not None else None
    return Rhythm(
        kind=row.rhythm, minute=row.minute, zone=timezone or "UTC", quiet=quiet,
        days=parse_days(row.days) if row.days else frozenset(),
    )


def reschedule(row: store.CheckinSettings, timezone: str | None, after: datetime) -> None:
    slot = next_slot(rhythm_of(row, timezone), after)
    row.next_due_at = slot
    row.slot_at = slot


def dialogue_vars(turn: TurnContext) -> dict[str, object]:
    """The ``vars`` of the dialogue that ran the action (its state is saved before actions run)."""
    active = turn.repo.active_session(turn.person)
    return dict(((active.context or {}).get("vars") or {})) if active is not None else {}


# -- turning on and off ------------------------------------------------------------------
def checkins_on(turn: TurnContext) -> None:
    """Keep the choices the setup dialogue collected, and schedule the first nudge."""
    row = store.ensure_settings(turn.repo, turn.person, turn.now)
    chosen = dialogue_vars(turn)
    for key, apply in (("rhythm", _set_rhythm), ("time", _set_time), ("quiet", _set_quiet), ("days", _set_days)):
        value = chosen.get(key)
        if value not in (None, ""):
            try:
                apply(row, value)
            except ValueError:
                log.error("checkins_on: the script's %s value does not parse; keeping the stored one", key)
    turn_on(turn, row)


def turn_on(turn: TurnContext, row: store.CheckinSettings) -> None:
    row.enabled = True
    row.missed = 0
    row.rhythm_asked_at = None
    row.updated_at = turn.now
    row.configured_at = turn.now
    reschedule(row, turn.person.timezone, turn.now + FIRST_SLOT_AFTER)
    turn.repo.count("checkins_enabled", turn.now)


def checkins_off(turn: TurnContext) -> None:
    """Stop nudges; the choices stay, so turning them on again restores them."""
    row = store.settings_for(turn.repo, turn.person)
    if row is not None and row.enabled:
        row.enabled = False
        row.next_due_at = None
        row.updated_at = turn.now
        turn.repo.count("checkins_disabled", turn.now)


def _set_rhythm(row: store.CheckinSettings, value: object) -> None:
    row.rhythm = parse_rhythm(str(value))


def _set_time(row: store.CheckinSettings, value: object) -> None:
    row.minute = parse_time(str(value))


def _set_quiet(row: store.CheckinSettings, value: object) -> None:
    quiet = parse_quiet_hours(str(value))
    row.quiet_start, row.quiet_end = quiet if quiet else (None, None)


def _set_days(row: store.CheckinSettings, value: object) -> None:
    row.days = days_text(parse_days(str(value)))


def set_time(turn: TurnContext, minute: object) -> None:
    """A typed time (``ask: profile.checkin_time``): kept at once, used by ``checkins_on``."""
    row = store.ensure_settings(turn.repo, turn.person, turn.now)
    row.minute = int(minute)  # type: ignore[call-overload]
    row.updated_at = turn.now
    row.configured_at = turn.now
    if row.enabled:
        reschedule(row, turn.person.timezone, turn.now + FIRST_SLOT_AFTER)


# -- answers to a check-in ---------------------------------------------------------------
def _answered(turn: TurnContext) -> store.CheckinSettings | None:
    """Any answer to a check-in ends a back-off: the regular rhythm comes back."""
    row = store.settings_for(turn.repo, turn.person)
    if row is None or not row.enabled:
        return row
    row.missed = 0
    regular = next_slot(rhythm_of(row, turn.person.timezone), turn.now + MIN_GAP)
    if row.next_due_at is None or row.next_due_at > regular:
        row.next_due_at = row.slot_at = regular
    return row


def mood_action(mood: int) -> Callable[[TurnContext], None]:
    def record(turn: TurnContext) -> None:
        store.add_mood(turn.repo, turn.person, mood, turn.now)
        turn.repo.count("checkin_mood", turn.now)
        _answered(turn)

    record.__name__ = f"checkin_mood_{mood}"
    record.__doc__ = f"Keep mood {mood} (1 very low .. 5 bright) for a later chart."
    return record


def _snooze(turn: TurnContext, until: datetime) -> None:
    row = _answered(turn)
    if row is None or not row.enabled:
        return
    until = out_of_quiet_hours(until, rhythm_of(row, turn.person.timezone))
    row.next_due_at = until
    row.slot_at = until
    row.updated_at = turn.now
    turn.repo.count("checkin_snoozed", turn.now)


def checkin_snooze_hour(turn: TurnContext) -> None:
    _snooze(turn, turn.now + SNOOZE_HOUR)


def checkin_snooze_evening(turn: TurnContext) -> None:
    row = store.settings_for(turn.repo, turn.person)
    if row is None:
        return
    evening = later_today(turn.now, rhythm_of(row, turn.person.timezone), EVENING)
    _snooze(turn, evening or turn.now + SNOOZE_HOUR)


def checkins_less_often(turn: TurnContext) -> None:
    row = _answered(turn)
    if row is None:
        return
    row.rhythm = LESS_OFTEN.get(row.rhythm, row.rhythm)
    row.days = ""
    row.rhythm_asked_at = row.rhythm_asked_at or turn.now
    row.updated_at = turn.now
    if row.enabled:
        reschedule(row, turn.person.timezone, turn.now + MIN_GAP)


def checkins_keep_rhythm(turn: TurnContext) -> None:
    row = _answered(turn)
    if row is not None:
        row.rhythm_asked_at = row.rhythm_asked_at or turn.now


ACTIONS: dict[str, Callable[[TurnContext], None]] = {
    "checkins_on": checkins_on,
    "checkins_off": checkins_off,
    "checkin_snooze_hour": checkin_snooze_hour,
    "checkin_snooze_evening": checkin_snooze_evening,
    "checkins_less_often": checkins_less_often,
    "checkins_keep_rhythm": checkins_keep_rhythm,
} | {f"checkin_mood_{m}": mood_action(m) for m in MOODS}


# -- /checkins -----------------------------------------------------------------------------
class CheckinsCommand:
    """``/checkins`` opens the setup; ``/checkins off``, ``/checkins on``, ``/checkins 20:30``.
    Registered with ``needs_consent``: the dispatcher applies the gate before it runs."""

    def __init__(self, openers: Openers):
        self.openers = openers

    def __call__(self, turn: TurnContext, args: str) -> list[Reply]:
        arg = " ".join(args.lower().split())
        row = store.settings_for(turn.repo, turn.person)
        if arg in ("off", "stop"):
            checkins_off(turn)
            return [Reply(turn.say("checkins_off_done"))]
        if arg in ("on", "start"):
            if row is None:
                return sessions.start(turn, SETUP_DIALOGUE)
            turn_on(turn, row)
            return [Reply(self.status(turn, row))]
        if arg:
            try:
                minute = parse_time(arg)
            except ValueError as exc:
                return [Reply(turn.explain(exc))]
            row = store.ensure_settings(turn.repo, turn.person, turn.now)
            row.minute = minute
            turn_on(turn, row)
            return [Reply(self.status(turn, row))]
        replies = [Reply(self.status(turn, row))] if row is not None else []
        return replies + sessions.start(turn, SETUP_DIALOGUE)

    def status(self, turn: TurnContext, row: store.CheckinSettings) -> str:
        if self.openers.status is None:
            return ""
        return Openers.render(self.openers.status, turn.template_context() | {"checkins": status_values(row, turn.person.timezone)})


def status_values(row: store.CheckinSettings, timezone: str | None) -> dict[str, object]:
    rhythm = rhythm_of(row, timezone)
    next_local = row.next_due_at.astimezone(rhythm.tz).strftime("%a %d %b, %H:%M") if row.next_due_at and row.enabled else ""
    quiet = f"{format_minute(rhythm.quiet[0])}-{format_minute(rhythm.quiet[1])}" if rhythm.quiet else ""
    return {
        "enabled": bool(row.enabled), "rhythm": row.rhythm, "days": days_text(rhythm.weekdays),
        "time": format_minute(row.minute), "quiet": quiet, "zone": timezone or "UTC", "next": next_local,
    }


def command(openers: Openers) -> Command[TurnContext]:
    return Command("checkins", CheckinsCommand(openers), description="command_checkins", needs_consent=True, menu_rank=80)
