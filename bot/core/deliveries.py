"""The outbox as adapters see it: the companion's clock, one process's claims, no SQL.

Adapters reach storage only through the core; ``Companion.start_outbox`` turns the outbox on
(replies then commit with their turn) and returns this, for the adapter's sender and sweeper.
It remembers which bubbles were claimed together, so sending the last of them does not
renew a claim on nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..storage import Database, Outbox, Waiting

__all__ = ["Deliveries", "Waiting"]

FORGET_AFTER = 10_000  # claimed bubbles remembered; a drain cut short leaves a few behind


class Deliveries:
    def __init__(self, db: Database, clock: Callable[[], datetime], owner: str):
        self.box = Outbox(db, owner)
        self.clock = clock
        # bubble id -> the ids claimed with it and not yet sent (one person's drain at a time
        # touches a batch: their lock is held while it runs)
        self._claimed: dict[int, set[int]] = {}

    def claim(self, user: str) -> list[Waiting]:
        waiting = self.box.claim(user, self.clock())
        if len(self._claimed) > FORGET_AFTER:  # left by drains that failed half-way: renew for those
            self._claimed.clear()
        batch = {bubble.id for bubble in waiting}
        for bubble in waiting:
            self._claimed[bubble.id] = batch  # shared: what is still claimed with it
        return waiting

    def progress(self, bubble_id: int, parts_sent: int) -> None:
        self.box.progress(bubble_id, parts_sent, self.clock())

    def sent(self, bubble_id: int) -> None:
        """The bubble is out; the claim on those claimed with it is renewed while any is left."""
        batch = self._claimed.pop(bubble_id, None)
        if batch is not None:
            batch.discard(bubble_id)
        self.box.sent(bubble_id, self.clock(), renew=batch is None or bool(batch))

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
