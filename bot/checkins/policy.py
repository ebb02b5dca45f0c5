"""Whether a due check-in goes out now, waits a little, or is let go; and how it sounds.

Pure: it reads a snapshot of a person and their settings and returns a ``Decision``. The
sweep applies it inside the transaction that claimed the row, and ``innerchild checkins
due`` prints it without applying it, so the operator sees exactly what would happen.

The rules, in order:

1. someone who blocked the bot, said they are under 18, or has yet to agree to a changed
   consent text, gets no attempt (the slot
   moves on, so unblocking later finds their settings intact and a fresh slot);
2. a nudge that fell due while we were down is sent once if still within the grace
   time, otherwise skipped to the next slot: never a burst of stale nudges;
3. quiet hours are never broken (a snooze or a changed setting could otherwise land there);
4. someone who wrote in the last hour, or is in the middle of a dialogue, is not
   interrupted: the nudge waits (up to a few hours past its slot), then is let go
   (choosing the check-in settings is not such writing: someone who asks for a nudge in a
   minute and then goes quiet gets it);
5. after a crisis or concern the next check-in is the soft one, offering support first;
6. after a few unanswered check-ins they hear less often, and are asked once about the rhythm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .openers import NORMAL, RHYTHM, SOFT
from .schedule import Rhythm, in_quiet_hours, next_slot, slot_after_skipping

SEND, POSTPONE, SKIP = "send", "postpone", "skip"
RECENT_WRITING = timedelta(hours=1)  # "wrote in the last hour"
MID_DIALOGUE = timedelta(hours=3)  # an open dialogue touched this recently is in progress
POSTPONE_LIMIT = timedelta(hours=3)  # how long past its slot a nudge may still wait
MIN_GAP = timedelta(hours=6)  # never two nudges closer than this (a snooze beside a slot)
SOFT_AFTER = timedelta(days=2)  # a hard moment this recent always means a soft check-in
HARD_LEVELS = frozenset({"crisis", "concern"})
ASK_RHYTHM_AFTER = 3  # unanswered check-ins in a row before asking once
BACK_OFF = ((6, 4), (3, 2))  # (missed at least, send every Nth slot)
NUDGE_DIALOGUE = "checkin"


@dataclass(frozen=True)
class Snapshot:
    """What the decision reads about one person, gathered by the caller."""

    rhythm: Rhythm
    due: datetime
    slot: datetime | None
    last_sent_at: datetime | None
    missed: int
    rhythm_asked_at: datetime | None
    active: bool
    adult: bool | None
    last_seen_at: datetime
    last_safety_level: str | None
    last_safety_at: datetime | None
    consented: bool = True  # agreed to the current consent text
    open_dialogue: str | None = None  # the person's active dialogue, if any
    open_dialogue_at: datetime | None = None
    configured_at: datetime | None = None  # when they last chose these settings


@dataclass(frozen=True)
class Decision:
    action: str  # send | postpone | skip
    reason: str
    next_due: datetime  # where next_due_at goes (always after now)
    slot: datetime  # the regular slot next_due stands for
    mode: str = NORMAL  # normal | soft | rhythm (for send)
    missed: int = 0  # unanswered check-ins in a row, counting the last one


def every_nth(missed: int) -> int:
    for at_least, every in BACK_OFF:
        if missed >= at_least:
            return every
    return 1


def missed_so_far(s: Snapshot) -> int:
    """Unanswered check-ins in a row: the stored count, plus the last one if no reply since."""
    if s.last_sent_at is None:
        return 0
    return s.missed + 1 if s.last_seen_at < s.last_sent_at else 0


def decide(s: Snapshot, now: datetime, grace: timedelta) -> Decision:
    slot = s.slot or s.due

    def skip(reason: str) -> Decision:
        following = next_slot(s.rhythm, now)
        return Decision(SKIP, reason, following, following, missed=s.missed)

    def wait(until: datetime, reason: str) -> Decision:
        if until > slot + POSTPONE_LIMIT or in_quiet_hours(until, s.rhythm):
            return skip(reason + "; waited long enough, next slot")
        return Decision(POSTPONE, reason, until, slot, missed=s.missed)

    if not s.active:
        return skip("blocked the bot")
    if s.adult is False:
        return skip("under 18")
    if not s.consented:
        return skip("has not agreed to the current consent text")
    late = now - s.due
    if late > grace:
        return skip(f"fell due {_minutes(late)} ago, past the grace time")
    if in_quiet_hours(now, s.rhythm):
        return skip("quiet hours")
    just_set_up = s.configured_at is not None and s.last_seen_at <= s.configured_at
    if s.last_seen_at > now - RECENT_WRITING and not just_set_up:
        return wait(max(s.last_seen_at + RECENT_WRITING, now + timedelta(minutes=5)), "wrote in the last hour")
    if (
        s.open_dialogue
        and s.open_dialogue != NUDGE_DIALOGUE
        and s.open_dialogue_at is not None
        and s.open_dialogue_at > now - MID_DIALOGUE
    ):
        return wait(now + RECENT_WRITING, f"in the middle of '{s.open_dialogue}'")

    missed = missed_so_far(s)
    every = every_nth(missed)
    following = slot_after_skipping(s.rhythm, now + MIN_GAP, every)
    reason = "due" if late < timedelta(minutes=1) else f"due {_minutes(late)} ago, within the grace time"
    if every > 1:
        reason += f"; {missed} unanswered, so every {_nth(every)} slot"
    if _hard_moment(s, now):
        return Decision(SEND, reason + f"; soft after {s.last_safety_level}", following, following, SOFT, missed)
    if missed >= ASK_RHYTHM_AFTER and s.rhythm_asked_at is None:
        return Decision(SEND, reason + "; asking about the rhythm", following, following, RHYTHM, missed)
    return Decision(SEND, reason, following, following, NORMAL, missed)


def _hard_moment(s: Snapshot, now: datetime) -> bool:
    """A crisis or concern since the last check-in, or within the last two days."""
    if s.last_safety_level not in HARD_LEVELS or s.last_safety_at is None:
        return False
    since_last = s.last_sent_at is None or s.last_safety_at > s.last_sent_at
    return since_last or now - s.last_safety_at < SOFT_AFTER


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


def _nth(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")
