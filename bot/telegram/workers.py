"""Where the adapter's database work runs: as many threads as turns may write at once.

Why: ``asyncio.to_thread`` uses the event loop's default executor (``cpu + 4`` threads, six
on two cores), whatever the database can take. On SQLite those six turns queued for one
write lock inside SQLite's busy handler, sleeping up to 100 ms a try (a turn's p99 with six
people writing at once was 65 times its median); on PostgreSQL they could take every pooled
connection from the check-in sweep and the readiness check. Here the pool has
``Database.workers`` threads: one on SQLite, so turns queue in the order they came and
each runs without being interrupted by another turn's Python; on PostgreSQL one per
connection the pool keeps for turns (``storage.database``).

Turns, the outbox calls after them (progress, sent, and a claim when none was handed over:
``Deliveries.handed_over`` needs no thread) and marking a person who blocked the bot all
run here. The outbox sweeper's look, the check-in sweep and the readiness ping
keep their own threads (and, on PostgreSQL, connections of their own), so a queue of
turns never starves them; on SQLite their transactions take their turn at the same
first-come first-served writer lock as the turns (``storage.writer``).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TurnWorkers:
    """A fixed pool of threads for the adapter's database work; ``close()`` at shutdown."""

    def __init__(self, count: int):
        self.count = max(1, count)
        self._pool = ThreadPoolExecutor(max_workers=self.count, thread_name_prefix="turn")

    async def run(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``function(*args, **kwargs)`` in a worker, as ``asyncio.to_thread`` would (the
        caller's context variables go along)."""
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
        return await loop.run_in_executor(self._pool, call)

    def close(self) -> None:
        """No new work; what is running finishes (a thread is never cut off mid-commit)."""
        self._pool.shutdown(wait=False)
