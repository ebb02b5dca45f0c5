"""Sends what waits in the outbox and no turn is sending: after a crash or a restart, after
a 429's wait, or what another process left when it died (its claims ran out).

Every ``INTERVAL`` seconds it asks the database for people whose bubbles are older than
``GRACE`` (fresh ones belong to the turn that is sending them) and nobody holds, and drains
each under the person's lock, a few at a time. Every process runs one; the claims keep
them from sending the same bubble twice.

Stopping lets a sweep in progress finish (up to ``STOP_GRACE`` seconds) instead of cancelling
it: a drain cancelled after Telegram accepted a message but before it was marked sent would
leave it in the outbox, claimed, and the next process would send it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from ..core import Deliveries

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between looks
GRACE = timedelta(seconds=3)
AT_ONCE = 16  # people drained in parallel
STOP_GRACE = 30.0  # seconds a sweep in progress may take to finish at stop


class OutboxSweeper:
    def __init__(self, outbox: Deliveries, drain: Callable[[str], Awaitable[bool]], *, interval: float = INTERVAL):
        self.outbox = outbox
        self.drain = drain
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(AT_ONCE)
        self._stopping: asyncio.Event | None = None

    def start(self) -> None:
        self._stopping = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="OutboxSweeper")

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """No more sweeps; the one in progress finishes (cancelled only after ``grace`` s)."""
        if self._task is None:
            return
        assert self._stopping is not None
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            log.warning("an outbox sweep was still sending at stop; what it did not mark goes out again later")
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def sweep(self, grace: timedelta = GRACE) -> int:
        """One look: drain everyone waiting; returns how many people were drained."""
        people = await asyncio.to_thread(self.outbox.waiting_people, grace)
        await asyncio.gather(*(self._drain_one(user) for user in people))
        return len(people)

    async def flush(self, timeout: float) -> None:
        """At shutdown: send what waits, waiting out short 429s, for up to ``timeout`` seconds
        (whatever is left is sent by the next process)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await self.sweep(grace=timedelta(0))
            left = timedelta(seconds=deadline - loop.time())
            if not await asyncio.to_thread(self.outbox.due_within, left):
                return
            await asyncio.sleep(0.25)

    async def _drain_one(self, user: str) -> None:
        async with self._slots:
            try:
                await self.drain(user)
            except Exception as exc:  # noqa: BLE001 - one person's failure must not stop the others
                log.warning("draining the outbox failed: %s", type(exc).__name__)

    async def _run(self) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except Exception as exc:  # noqa: BLE001 - the database may be down for a while
                log.warning("outbox sweep failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
