"""Pure time math for check-ins: the next slot, given a rhythm, a time of day, a zone and
quiet hours. No database, no clock: every function takes the moment it reasons about.

Times a person chooses are wall-clock times in their own zone, so the slot is computed
in that zone every time (``zoneinfo``) and converted to UTC last. That is what keeps
"20:30" at 20:30 across a daylight-saving change. Two DST edge cases, decided once:

- a time that does not exist that day (02:30 on a spring-forward night) moves forward by
  the gap, to 03:30, the way a wall clock would show it;
- a time that happens twice (01:30 on a fall-back night) is the first of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAILY, FEW, WEEKLY = "daily", "few", "weekly"
RHYTHMS = (DAILY, FEW, WEEKLY)
# Which weekdays (Monday = 0) each rhythm uses when the person did not pick days.
DEFAULT_DAYS = {DAILY: frozenset(range(7)), FEW: frozenset({0, 2, 4}), WEEKLY: frozenset({6})}
# "Hear less often": each rhythm's gentler neighbour.
LESS_OFTEN = {DAILY: FEW, FEW: WEEKLY, WEEKLY: WEEKLY}
DEFAULT_MINUTE = 20 * 60  # 20:00, when nothing was chosen
MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class Rhythm:
    """When someone wants to hear from the companion."""

    kind: str = DAILY
    minute: int = DEFAULT_MINUTE  # minutes after local midnight
    zone: str = "UTC"
    quiet: tuple[int, int] | None = None  # (start, end) minutes; may wrap midnight
    days: frozenset[int] = frozenset()  # empty: the rhythm's default days

    @property
    def weekdays(self) -> frozenset[int]:
        return self.days or DEFAULT_DAYS.get(self.kind, DEFAULT_DAYS[DAILY])

    @property
    def tz(self) -> ZoneInfo:
        return zone_or_utc(self.zone)


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The person's zone; UTC when none was given or the name no longer exists."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def wall_time(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """``day`` at ``minute`` on the local wall clock, as an aware UTC datetime.

    ``fold=0`` does both DST decisions above: in a spring-forward gap it reads the time
    with the offset from before the change, which is the wall time one gap later; on a
    fall-back night it picks the first of the two.
    """
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_minute(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute


def in_quiet_hours(moment: datetime, rhythm: Rhythm) -> bool:
    if rhythm.quiet is None:
        return False
    start, end = rhythm.quiet
    if start == end:
        return False
    minute = local_minute(moment, rhythm.tz)
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end  # wraps midnight: 22:00-08:00


def out_of_quiet_hours(moment: datetime, rhythm: Rhythm) -> datetime:
    """``moment``, or the end of the quiet hours it falls in (the next time they end)."""
    if not in_quiet_hours(moment, rhythm):
        return moment
    tz = rhythm.tz
    local_day = moment.astimezone(tz).date()
    for offset in range(0, 3):
        candidate = wall_time(local_day + timedelta(days=offset), rhythm.quiet[1], tz)  # type: ignore[index]
        if candidate > moment and not in_quiet_hours(candidate, rhythm):
            return candidate
    return moment  # pragma: no cover - quiet hours always end within two days


def next_slot(rhythm: Rhythm, after: datetime) -> datetime:
    """The first slot strictly after ``after`` (UTC), moved out of quiet hours if needed."""
    tz = rhythm.tz
    start_day = after.astimezone(tz).date()
    for offset in range(0, 15):
        day = start_day + timedelta(days=offset)
        if day.weekday() not in rhythm.weekdays:
            continue
        slot = out_of_quiet_hours(wall_time(day, rhythm.minute, tz), rhythm)
        if slot > after:
            return slot
    raise ValueError("a rhythm without any weekday")  # pragma: no cover - weekdays is never empty


def slot_after_skipping(rhythm: Rhythm, after: datetime, every: int) -> datetime:
    """The ``every``-th slot after ``after``: 1 is the next one, 2 skips one (back-off)."""
    slot = next_slot(rhythm, after)
    for _ in range(max(1, every) - 1):
        slot = next_slot(rhythm, slot)
    return slot


def later_today(moment: datetime, rhythm: Rhythm, minute: int) -> datetime | None:
    """Today at ``minute`` local time if that is still ahead, else None ("this evening")."""
    tz = rhythm.tz
    candidate = wall_time(moment.astimezone(tz).date(), minute, tz)
    return candidate if candidate > moment else None


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def utc(moment: datetime) -> datetime:
    """Aware UTC, refusing naive datetimes (they are always a bug here)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)
