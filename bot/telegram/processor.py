"""One person's updates one at a time and in order; different people in parallel.

PTB's ``concurrent_updates(True)`` gives parallelism but no order, and the default gives
order but makes every person wait for everyone else. ``PerPersonProcessor`` takes a lock
per person around each update. ``asyncio.Lock`` wakes its waiters first-come first-served
and the Application starts update tasks in arrival order, so one person's updates run in
the order Telegram sent them.

The same ``PersonLocks`` guard check-in deliveries (``TelegramAdapter.deliver``), so a
nudge never lands between the bubbles of an answer.

A long text an app split into several messages is read as one (``coalesce.py``): the turn
of its first part waits, under the lock, for the rest, and is handled as the merged event
(``updates.read_as``); the parts it took in are skipped when their own turn comes, and every
update is still reported done (``on_done``) once its turn, or the merged one, has finished.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from .coalesce import Coalescer
from .updates import person_of, read_as


class PersonLocks:
    """An ``asyncio.Lock`` per person, kept only while someone holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, person: str) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(person, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[person]

    def __len__(self) -> int:
        return len(self._locks)


class PerPersonProcessor(BaseUpdateProcessor):
    """The Application's update processor (``concurrent_updates=PerPersonProcessor(...)``).

    ``max_concurrent_updates`` is large on purpose: updates waiting for their person's lock
    hold a slot, so a small limit would let one hurried person stall everyone else. The real
    bound on parallel database work is the adapter's ``TurnWorkers`` (``workers.py``).
    ``acknowledge(update)`` runs before the lock is taken and must not wait (it schedules):
    a button press is answered at once even while the person's previous answer is still
    being paced out. ``on_done(update)`` runs after every update, however it ended (the
    updater uses it to confirm the update to Telegram only once it has been handled).
    """

    def __init__(
        self,
        locks: PersonLocks,
        *,
        acknowledge: Callable[[object], None] | None = None,
        on_done: Callable[[object], None] | None = None,
        max_concurrent_updates: int = 4096,
        coalescer: Coalescer | None = None,
    ):
        super().__init__(max_concurrent_updates)
        self.locks = locks
        self.acknowledge = acknowledge
        self.on_done = on_done
        self.coalescer = coalescer or Coalescer()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            if self.acknowledge is not None:
                self.acknowledge(update)
            person = person_of(update)
            if person is None:
                await coroutine
            else:
                await self._in_turn(person, update, coroutine)
        finally:
            if self.on_done is not None:
                self.on_done(update)

    async def _in_turn(self, person: str, update: object, coroutine: Awaitable[Any]) -> None:
        arrival = self.coalescer.arrive(person, update)
        try:
            async with self.locks.hold(person):
                if arrival.taken:  # a later part of a split text, handled with the first
                    if inspect.iscoroutine(coroutine):
                        coroutine.close()
                    return
                event = await self.coalescer.gather(person, arrival)
                if event is None or not isinstance(update, Update):
                    await coroutine
                    return
                with read_as(update, event):
                    await coroutine
        finally:
            self.coalescer.leave(person, arrival)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
