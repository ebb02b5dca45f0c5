"""tzdata's own tables, read from the installed ``tzdata`` package: which zones each country
has (zone.tab), which names are links to which zones (tzdata.zi), and what a zone's clocks do
from now on (``rules``: its standard offset, and whether it keeps summer time).

Why zone.tab and not zone1970.tab: zone.tab names one zone per region as people there name
it ("NL Europe/Amsterdam"), where zone1970.tab merges zones whose clocks have agreed since
1970 (Amsterdam into Brussels). Two zones that will keep the same clocks from now on
("Europe/Berlin" and "Europe/Busingen") are one choice for a person: ``same_clocks``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

DAYS_AHEAD = 366  # the clocks compared: noon UTC on each day of the coming year


def _text(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def zone_tab() -> tuple[tuple[str, str], ...]:
    """(country code, zone) for each row of zone.tab, in its order."""
    rows = []
    for line in _text("zone.tab").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            rows.append((fields[0], fields[2]))
    return tuple(rows)


@lru_cache(maxsize=1)
def zones_by_country() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for country, zone in zone_tab():
        out.setdefault(country, []).append(zone)
    return {country: tuple(zones) for country, zones in out.items()}


@lru_cache(maxsize=1)
def country_of_zone() -> dict[str, str]:
    """zone -> the first country zone.tab lists it for."""
    out: dict[str, str] = {}
    for country, zone in zone_tab():
        out.setdefault(zone, country)
    return out


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """link name -> its target ("Asia/Calcutta" -> "Asia/Kolkata"), from tzdata.zi."""
    out = {}
    for line in _text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, name = line.split()
            out[name] = target
    return out


@lru_cache(maxsize=1)
def by_lower_name() -> dict[str, str]:
    """every zone name tzdata knows, lower-cased -> as written."""
    return {name.lower(): name for name in available_timezones()}


def canonical(zone: str) -> str:
    """The name zone.tab uses for a zone: 'Asia/Calcutta' -> 'Asia/Kolkata', 'US/Eastern' ->
    'America/New_York'; a zone zone.tab lists, or one no link leads into it ('Etc/GMT-2',
    'CET'), stays itself."""
    listed = country_of_zone()
    if zone in listed:
        return zone
    target = _links().get(zone)
    return target if target in listed else zone


def _start() -> datetime:
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, 12, tzinfo=UTC)


def _offsets(zone: str, every: int) -> tuple[int, ...]:
    tz = ZoneInfo(zone)
    start = _start()
    out = []
    for day in range(0, DAYS_AHEAD, every):
        offset = (start + timedelta(days=day)).astimezone(tz).utcoffset()
        out.append(int(offset.total_seconds() // 60) if offset is not None else 0)
    return tuple(out)


@lru_cache(maxsize=None)
def clocks(zone: str) -> tuple[int, ...]:
    """The zone's UTC offset in minutes at noon UTC on each day of the coming year."""
    return _offsets(zone, 1)


@lru_cache(maxsize=None)
def seasons(zone: str) -> frozenset[int]:
    """The offsets the zone's clocks show in the coming year, seen twice a month: enough to
    know the offsets (summer time lasts months), cheaper than ``clocks`` for every zone."""
    return frozenset(_offsets(zone, 15))


def same_clocks(a: str, b: str) -> bool:
    return a == b or clocks(a) == clocks(b)


def rules(zone: str) -> tuple[int, bool]:
    """(standard offset in minutes, whether the clocks change in the year): 'Europe/London' ->
    (0, True), 'Asia/Kolkata' -> (330, False)."""
    seen = clocks(zone)
    return min(seen), max(seen) != min(seen)


def offset_text(minutes: int) -> str:
    """330 -> '+5:30', -300 -> '-5', 0 -> '+0'."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")
