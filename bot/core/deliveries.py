"""The outbox as adapters see it: the companion's clock, one process's claims, no SQL.

Adapters reach storage only through the core; ``Companion.start_outbox`` turns the outbox on
(replies then commit with their turn) and returns this, for the adapter's sender and sweeper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..storage import Database, Outbox, Waiting

__all__ = ["Deliveries", "Waiting"]


class Deliveries:
    def __init__(self, db: Database, clock: Callable[[], datetime], owner: str):
        self.box = Outbox(db, owner)
        self.clock = clock

    def claim(self, user: str) -> list[Waiting]:
        return self.box.claim(user, self.clock())

    def progress(self, bubble_id: int, parts_sent: int) -> None:
        self.box.progress(bubble_id, parts_sent, self.clock())

    def sent(self, bubble_id: int) -> None:
        self.box.sent(bubble_id, self.clock())

    def defer(self, user: str, wait: timedelta) -> None:
        self.box.defer(user, self.clock() + wait)

    def release(self, user: str) -> None:
        self.box.release(user)

    def drop(self, user: str) -> int:
        return self.box.drop(user)

    def waiting_people(self, older_than: timedelta) -> list[str]:
        return self.box.waiting_people(self.clock(), older_than=older_than)

    def due_within(self, horizon: timedelta) -> int:
        return self.box.due_within(self.clock(), horizon)

    def count(self) -> int:
        return self.box.count()
