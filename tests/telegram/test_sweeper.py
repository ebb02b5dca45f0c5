"""The outbox sweeper at stop: a drain in progress finishes (it is not cancelled between
Telegram accepting a message and the bubble being marked sent)."""

from __future__ import annotations

import asyncio

from bot.telegram.sweeper import OutboxSweeper


class _Waiting:
    def __init__(self) -> None:
        self.asked = 0

    def waiting_people(self, _grace):
        self.asked += 1
        return ["tg:1"] if self.asked == 1 else []


def test_stop_lets_the_drain_in_progress_finish():
    events: list[str] = []

    async def scenario():
        sending = asyncio.Event()
        accepted = asyncio.Event()

        async def drain(user: str) -> bool:
            sending.set()
            await accepted.wait()  # Telegram is answering the send
            events.append(f"marked {user}")
            return True

        sweeper = OutboxSweeper(_Waiting(), drain, interval=0.01)
        sweeper.start()
        await asyncio.wait_for(sending.wait(), 5)
        stopping = asyncio.create_task(sweeper.stop(grace=5))
        await asyncio.sleep(0)  # stop() has begun and waits
        assert not stopping.done()
        accepted.set()
        await asyncio.wait_for(stopping, 5)
        events.append("stopped")

    asyncio.run(scenario())
    assert events == ["marked tg:1", "stopped"]


def test_stop_gives_up_after_the_grace():
    async def scenario():
        started = asyncio.Event()

        async def drain(user: str) -> bool:
            started.set()
            await asyncio.Event().wait()  # never answers
            return True

        sweeper = OutboxSweeper(_Waiting(), drain, interval=0.01)
        sweeper.start()
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.wait_for(sweeper.stop(grace=0.1), 5)

    asyncio.run(scenario())
