"""The sending budget (``storage.budget``, migration 0008) on each backend: slots spaced by
the interval, a chat's small burst, a courtesy that never waits, Telegram's "wait" shared,
stale chats forgotten, and concurrent takers never handed the same slot.

Waits are checked against long intervals (seconds), so a slow machine cannot blur them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.storage import Cipher, use_cipher
from bot.storage import budget as store
from bot.storage.budget import EVERYONE, BudgetRow, Rate
from bot.storage.database import Database
from tests.conftest import TEST_KEY

SLOW = Rate(10.0)  # one message every ten seconds: waits far above any scheduling noise
CHAT = Rate(10.0, burst=3)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    use_cipher(Cipher([TEST_KEY]))
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


def test_overall_slots_are_one_interval_apart(db) -> None:
    waits = [store.take_overall(db, SLOW) for _ in range(3)]
    assert waits[0] == 0
    assert 9 < waits[1] <= 10
    assert 19 < waits[2] <= 20


def test_a_chat_has_a_small_burst_then_waits_and_its_first_free_slot_also_takes_the_overall_one(db) -> None:
    overall = Rate(0.001)
    first = [store.take(db, 42, CHAT, overall) for _ in range(3)]
    assert all(s.chat == 0 and s.overall is not None for s in first)
    fourth = store.take(db, 42, CHAT, overall)
    assert 9 < fourth.chat <= 10 and fourth.overall is None  # the overall slot is taken when the chat's comes
    other = store.take(db, 43, CHAT, overall)
    assert other.chat == 0 and other.overall is not None  # another chat does not wait for this one


def test_without_a_chat_rate_only_the_overall_budget_counts(db) -> None:
    waits = [store.take(db, 42, None, SLOW) for _ in range(2)]
    assert waits[0].chat == 0 and waits[0].overall == 0
    assert waits[1].chat == 0 and waits[1].overall is not None and 9 < waits[1].overall <= 10


def test_a_courtesy_takes_a_slot_that_comes_soon_or_nothing(db) -> None:
    assert store.take_if_soon(db, SLOW, within=1.0) == 0  # the first row is made
    assert store.take_if_soon(db, SLOW, within=1.0) is None  # the next slot is ten seconds away ...
    wait = store.take_if_soon(db, SLOW, within=11.0)  # ... which is soon enough for this one
    assert wait is not None and 9 < wait <= 10
    assert 19 < store.take_overall(db, SLOW) <= 20  # the refused courtesy took nothing


def test_telegrams_wait_for_one_chat_holds_every_process_and_only_that_chat(db) -> None:
    store.hold(db, 42, 30.0, CHAT)
    held = store.take(db, 42, CHAT, Rate(0.001))
    assert 29 < held.chat <= 30 and held.overall is None
    assert store.take(db, 43, CHAT, Rate(0.001)).chat == 0


def test_quiet_chats_are_forgotten_and_the_overall_row_is_kept(db) -> None:
    store.take_overall(db, SLOW)
    store.take(db, 42, CHAT, Rate(0.001))  # a chat that just spoke
    store.hold(db, 43, -store.STALE - 60, CHAT)  # one quiet for two minutes
    assert store.prune(db) == 1
    with db.transaction() as repo:
        keys = set(repo.session.scalars(select(BudgetRow.chat_id)))
    assert keys == {EVERYONE, 42}


def test_concurrent_takers_get_distinct_slots(db) -> None:
    """Four threads, each with its own connection, take ten slots each: every slot (when
    it was handed out plus the wait) lies at least one interval after the one before."""
    rate = Rate(1.0)
    slots: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def taker() -> None:
        start.wait()
        for _ in range(10):
            wait = store.take_overall(db, rate)
            with lock:
                slots.append(time.time() + wait)

    threads = [threading.Thread(target=taker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    slots.sort()
    assert len(slots) == 40
    gaps = [b - a for a, b in zip(slots, slots[1:])]
    # Each slot is read back from the database's clock; the taker adds its wait to its own
    # clock a moment later, so a gap can look shorter by how late that moment was.
    assert min(gaps) > 0.75, gaps
    with db.transaction() as repo:
        assert repo.session.scalar(select(func.count()).select_from(BudgetRow)) == 1
