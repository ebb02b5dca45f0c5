"""The outbox as adapters see it: the companion's clock, one process's claims, no SQL.

Adapters reach storage only through the core; ``Companion.start_outbox`` turns the outbox on
(replies then commit with their turn) and returns this, for the adapter's sender and sweeper.

A turn's sending is a few short transactions, and each costs more than its statements, so
claims that were already made are handed on instead of being made again:

- a turn stores its replies claimed by this process (``outbox.keep``) and hands them over
  (``hand_over``): the adapter takes them with ``handed_over``, on its event loop, with no
  transaction and no trip to a worker thread (about a quarter of a millisecond each on a
  2-core machine, twice a turn: ``bench/bench_floor.py`` prints it);
- the last bubble of a claim is forgotten (``sent``) in the same transaction as the
  person's next claim, which ``handed_over`` then gives (usually: nothing more);
- only bubbles claimed with others left to send renew the claim on those.

What is handed over is used only soon after (``HELD``, well inside the claim's lease);
later, or when none was, ``claim`` asks the database as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..storage import Database, Outbox, Waiting

__all__ = ["Deliveries", "Waiting"]

RETRY_FIRST = timedelta(seconds=2)  # a failed send waits this, doubled each failure in a row ...
RETRY_MOST = timedelta(seconds=60)  # ... up to this: an outage is not hammered, nor waited out long
HELD = timedelta(seconds=5)  # a claim handed over is taken within this, or asked for again
LOOKED = timedelta(seconds=1)  # "nothing more waits", as found with the last bubble sent
FORGET_AFTER = 10_000  # claims remembered; drains cut short (a 429, an error) leave a few behind


class Deliveries:
    def __init__(self, db: Database, clock: Callable[[], datetime], owner: str):
        self.box = Outbox(db, owner)
        self.clock = clock
        # bubble id -> (whose, the ids claimed with it and not yet sent). One person's drain
        # at a time touches an entry: their lock is held while it runs.
        self._claimed: dict[int, tuple[str, set[int]]] = {}
        self._ready: dict[str, tuple[list[Waiting], datetime]] = {}  # person -> claimed for them, until
        self._failures: dict[str, int] = {}  # person -> sends failed in a row (``retry_later``)

    @property
    def owner(self) -> str:
        return self.box.owner

    def hand_over(self, user: str, waiting: list[Waiting]) -> None:
        """Bubbles a committed turn stored already claimed by this process, for the next ``claim``."""
        self._ready[user] = (waiting, self.clock() + HELD)

    def handed_over(self, user: str) -> list[Waiting] | None:
        """The person's claim as handed over, when one is still fresh; None when only the
        database can say (then ``claim``). No database work: the adapter calls this on its
        event loop and saves a worker thread's round trip, which costs more than the lookup."""
        ready = self._ready.pop(user, None)
        if ready is None or self.clock() >= ready[1]:
            return None
        return self._remember(user, ready[0])

    def claim(self, user: str) -> list[Waiting]:
        handed = self.handed_over(user)
        if handed is not None:
            return handed
        return self._remember(user, self.box.claim(user, self.clock()))

    def _remember(self, user: str, waiting: list[Waiting]) -> list[Waiting]:
        if len(self._claimed) > FORGET_AFTER:  # then those renew their claim, as before
            self._claimed.clear()
        if len(self._ready) > FORGET_AFTER:
            self._ready.clear()
        batch = {bubble.id for bubble in waiting}
        for bubble in waiting:
            self._claimed[bubble.id] = (user, batch)  # shared: what is still claimed with it
        return waiting

    def progress(self, bubble_id: int, parts_sent: int) -> None:
        self.box.progress(bubble_id, parts_sent, self.clock())

    def sent(self, bubble_id: int) -> None:
        """The bubble is out. While others claimed with it wait, their claim is renewed; the
        last one takes the person's next claim along (for the ``claim`` that follows)."""
        now = self.clock()
        claimed = self._claimed.pop(bubble_id, None)
        if claimed is None:
            self.box.sent(bubble_id, now)
            return
        user, batch = claimed
        self._failures.pop(user, None)
        batch.discard(bubble_id)
        if batch:
            self.box.sent(bubble_id, now, renew=True)
            return
        following = self.box.sent(bubble_id, now, renew=False, then_claim=user)
        self._ready[user] = (following, now + (HELD if following else LOOKED))

    def give_up(self, bubble_id: int) -> None:
        """Telegram refused this bubble as it is (a Bad Request: sending it again gets the same
        answer): it is forgotten, not delivered, and the drain goes on with the next."""
        claimed = self._claimed.pop(bubble_id, None)
        if claimed is not None:
            claimed[1].discard(bubble_id)
        self.box.give_up(bubble_id)

    def retry_later(self, user: str) -> timedelta:
        """A send failed for a reason that may pass (the network, Telegram's servers, the
        database): the person's bubbles wait ``RETRY_FIRST``, doubled with each failure in a
        row up to ``RETRY_MOST``, then the sweeper tries again. Returns the wait."""
        failures = self._failures.get(user, 0) + 1
        if len(self._failures) > FORGET_AFTER:
            self._failures.clear()
        self._failures[user] = failures
        wait: timedelta = min(RETRY_FIRST * (2 ** min(failures - 1, 16)), RETRY_MOST)
        self.defer(user, wait)
        return wait

    def defer(self, user: str, wait: timedelta) -> None:
        self._ready.pop(user, None)
        self.box.defer(user, self.clock() + wait)

    def drop(self, user: str) -> int:
        self._ready.pop(user, None)
        return self.box.drop(user)

    def waiting_people(self, older_than: timedelta) -> list[str]:
        return self.box.waiting_people(self.clock(), older_than=older_than)

    def due_within(self, horizon: timedelta) -> int:
        return self.box.due_within(self.clock(), horizon)

    def count(self) -> int:
        return self.box.count()
