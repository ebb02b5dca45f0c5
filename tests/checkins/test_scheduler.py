"""The APScheduler wiring: started inside the running loop, a sweep at once, paced delivery,
blocked people marked unreachable, shut down cleanly."""

from __future__ import annotations

import asyncio
import time

from bot.checkins.scheduler import Pacer, start_scheduler

from .helpers import add_person, settings


def test_the_scheduler_sweeps_at_once_delivers_paced_and_marks_blocked_people(runtime, clock) -> None:
    for i in range(6):
        add_person(runtime, f"tg:{i}", clock())
    clock.now = settings(runtime, "tg:0").next_due_at
    runtime.settings.checkins_per_second = 20.0
    delivered: list[tuple[str, float]] = []

    async def deliver(user: str, replies) -> bool:
        delivered.append((user, time.monotonic()))
        return user != "tg:3"  # tg:3 blocked the bot

    async def main() -> None:
        handle = start_scheduler(runtime, deliver)
        try:
            for _ in range(100):  # the first sweep runs at once, in the loop
                await asyncio.sleep(0.05)
                if len(delivered) == 6:
                    break
            assert await handle.sweep_now() == 0  # nothing twice
        finally:
            handle.shutdown()

    asyncio.run(main())
    assert sorted(u for u, _ in delivered) == [f"tg:{i}" for i in range(6)]
    gaps = [b - a for (_, a), (_, b) in zip(delivered, delivered[1:])]
    assert min(gaps) >= 0.04  # 20 a second
    with runtime.database.transaction() as repo:
        assert repo.find_person("tg:3").active is False
        assert repo.find_person("tg:2").active is True


def test_the_pacer_spreads_a_large_batch() -> None:
    async def main() -> float:
        pacer = Pacer(200.0)
        started = time.monotonic()
        for _ in range(41):
            await pacer.wait()
        return time.monotonic() - started

    assert 0.18 <= asyncio.run(main()) < 1.0


def test_housekeeping_sends_retention_notices_from_the_running_bot(clock, tmp_path) -> None:
    from bot.domain import Event, EventKind
    from tests.conftest import build_runtime

    runtime = build_runtime(f"sqlite:///{tmp_path / 'h.db'}", clock, tmp_path, retention_days=30)
    delivered: list[str] = []

    async def deliver(user: str, replies) -> bool:
        delivered.extend(r.text for r in replies)
        return True

    async def main() -> None:
        handle = start_scheduler(runtime, deliver)
        try:
            for _ in range(100):
                await asyncio.sleep(0.05)
                if delivered:
                    break
        finally:
            handle.shutdown()

    try:
        runtime.companion.handle(Event("tg:9", EventKind.COMMAND, text="/start"))
        clock.advance(days=24)
        asyncio.run(main())
        assert len(delivered) == 1 and "will be deleted in 7 days" in delivered[0]
        with runtime.database.read() as repo:  # the send succeeded: noticed from then on
            assert repo.find_person("tg:9").retention_notice_at == clock.now
    finally:
        runtime.database.dispose()
