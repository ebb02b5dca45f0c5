"""One writer at a time on a SQLite file, taken in arrival order.

Why: SQLite lets one transaction write at a time. Threads that race for its lock wait in
SQLite's busy handler, which sleeps and retries with growing pauses (up to 100 ms a try)
and lets a newcomer overtake a thread that has waited long: with six people writing at
once a turn's p99 was 65 times its median. So each process queues its own transactions
here first, and a transaction that gets this lock begins with ``BEGIN IMMEDIATE``
(``database.py``): it takes SQLite's write lock at once, and the busy handler only waits
for another process.

``WriterLock`` hands the lock straight to the thread that has waited longest, so a stream
of turns never starves the check-in sweep (or the reverse), as a plain ``threading.Lock``
could (its release wakes nobody in particular, and the releasing thread often takes it
back first).
"""

from __future__ import annotations

import threading
from collections import deque
from types import TracebackType


class NestedTransaction(RuntimeError):
    """A transaction was opened inside another on the same thread: on SQLite it would wait
    for itself forever, so it fails at once instead."""


class WriterLock:
    """A first-come first-served lock; not reentrant (a transaction never opens another)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._guard:
            if self._owner is None:
                self._owner = me
                return
            if self._owner == me:
                raise NestedTransaction("a database transaction was opened inside another one")
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append((me, turn))
        try:
            turn.acquire()  # released by the holder handing over: the lock is ours now
        except BaseException:  # interrupted while waiting (Ctrl-C): leave the line, or pass it on
            with self._guard:
                handed = (me, turn) not in self._waiting
                if not handed:
                    self._waiting.remove((me, turn))
            if handed:
                self.release()
            raise

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._owner, turn = self._waiting.popleft()  # straight to the next in line
                turn.release()
            else:
                self._owner = None

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()


class NoLock:
    """PostgreSQL: rows are locked by the database itself, writers run in parallel."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        return None
