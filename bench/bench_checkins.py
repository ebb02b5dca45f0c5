"""The cost of one check-in sweep with 100,000 people registered (SQLite file).

Registers 100,000 people with daily check-ins spread over the day, 1,000 of them at the
same minute, then times: a sweep when no one is due (the query every tick pays), the
operator's ``checkins due`` view, and a sweep that claims, composes (a companion turn
each) and records those 1,000 nudges. Prints milliseconds. Run:
``python bench/bench_checkins.py``.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402 - bulk loading only; the code under test never imports it

from bot.app import build  # noqa: E402
from bot.checkins import service_for  # noqa: E402
from bot.checkins.actions import rhythm_of  # noqa: E402
from bot.checkins.schedule import next_slot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.storage import Person, new_key  # noqa: E402
from bot.storage.checkin_models import CheckinSettings  # noqa: E402

PEOPLE = 100_000
AT_ONCE = 1_000
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]


def main() -> None:
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp), encryption_key=new_key(), _env_file=None)  # type: ignore[call-arg]  # a pydantic-settings option mypy cannot see
        runtime = build(settings, migrate=True)
        runtime.companion.clock = lambda: now
        started = time.perf_counter()
        people, rows = [], []
        burst_at = datetime(2026, 1, 15, 20, 30, tzinfo=UTC)
        for i in range(PEOPLE):
            burst = i < AT_ONCE
            zone = "UTC" if burst else rng.choice(ZONES)
            minute = 20 * 60 + 30 if burst else rng.randrange(8 * 60, 22 * 60)
            people.append(dict(id=i + 1, external_id=f"tg:{i}", created_at=now, last_seen_at=now - timedelta(days=2), active=True,
                               consent_version=runtime.companion.consent_version, adult=True, timezone=zone, recent_safety=[]))
            row = CheckinSettings(person_id=i + 1, enabled=True, rhythm="daily", days="", minute=minute, quiet_start=None, quiet_end=None, missed=0)
            # everyone else's next slot is after the burst (they were nudged earlier today)
            due = next_slot(rhythm_of(row, zone), burst_at + timedelta(minutes=1)) if not burst else burst_at
            rows.append(dict(person_id=i + 1, enabled=True, rhythm="daily", days="", minute=minute, next_due_at=due, slot_at=due,
                             missed=0, created_at=now, updated_at=now))
        with runtime.database.transaction() as repo:
            repo.session.execute(insert(Person), people)
            repo.session.execute(insert(CheckinSettings), rows)
        print(f"registered {PEOPLE:,} people with check-ins in {time.perf_counter() - started:.1f} s")

        service = service_for(runtime)
        burst_at += timedelta(seconds=10)
        with runtime.database.transaction() as repo:
            plan = repo.session.execute(
                __import__("sqlalchemy").text("EXPLAIN QUERY PLAN SELECT person_id FROM checkin_settings WHERE enabled = 1 AND next_due_at <= :t ORDER BY next_due_at LIMIT 1"),
                {"t": burst_at.replace(tzinfo=None)},
            ).all()
        print("due query plan:", "; ".join(str(r[-1]) for r in plan))

        timings = []
        for _ in range(50):
            t = time.perf_counter()
            service.sweep(datetime(2026, 1, 15, 8, 0, tzinfo=UTC))  # before anyone is due
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        print(f"empty sweep (no one due): median {timings[len(timings) // 2]:.2f} ms, max {timings[-1]:.2f} ms")

        t = time.perf_counter()
        report = service.due_report(burst_at)
        print(f"`checkins due` view: {len(report):,} lines in {(time.perf_counter() - t) * 1000:.0f} ms")

        now = burst_at
        t = time.perf_counter()
        nudges = service.sweep(burst_at, limit=len(report))
        elapsed = time.perf_counter() - t
        print(f"sweep sending {len(nudges):,} nudges (claim + companion turn + record each): "
              f"{elapsed * 1000:.0f} ms, {elapsed * 1000 / max(1, len(nudges)):.2f} ms per nudge")
        print(f"at 25 messages/s, delivering them takes {len(nudges) / 25:.0f} s; the database work is "
              f"{100 * elapsed / max(1e-9, len(nudges) / 25):.1f}% of that")
        t = time.perf_counter()
        assert service.sweep(burst_at) == []
        print(f"the same sweep again finds nothing (never twice): {(time.perf_counter() - t) * 1000:.2f} ms")
        runtime.database.dispose()


if __name__ == "__main__":
    main()
