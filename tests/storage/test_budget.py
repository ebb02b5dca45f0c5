"""The sending budget (``storage.budget``, migration 0008) on each backend: slots spaced by
the interval, a chat's small burst, a courtesy that never waits long, Telegram's "wait"
shared, stale chats forgotten, concurrent takers never handed the same slot; and 0008 going
down and up again.

Waits are checked against long intervals (seconds), so a slow machine cannot blur them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from bot.storage import Cipher, use_cipher
from bot.storage import budget as store
from bot.storage.budget import EVERYONE, BudgetRow, Rate
from bot.storage.database import Database, _alembic_config
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


def waits(db, n: int, chat: Rate | None = None, overall: Rate = SLOW, chat_id: int = 42) -> list[store.Slot]:
    return [store.take(db, chat_id, chat, overall) for _ in range(n)]


def test_overall_slots_are_one_interval_apart(db) -> None:
    slots = waits(db, 3)
    assert all(s.taken for s in slots)
    assert slots[0].wait == 0
    assert 9 < slots[1].wait <= 10
    assert 19 < slots[2].wait <= 20


def test_a_chat_has_a_small_burst_then_waits_without_taking_an_overall_slot(db) -> None:
    fast = Rate(0.001)
    assert all(s.taken and s.wait < 0.1 for s in waits(db, 3, CHAT, fast))
    (fourth,) = waits(db, 1, CHAT, fast)
    assert not fourth.taken and 9 < fourth.wait <= 10  # ask again when the chat is free
    (again,) = waits(db, 1, CHAT, fast)
    assert not again.taken and 9 < again.wait <= 10  # asking took nothing
    (other,) = waits(db, 1, CHAT, fast, chat_id=43)
    assert other.taken and other.wait < 0.1  # another chat does not wait for this one


def test_a_chat_is_counted_at_the_moment_its_message_goes(db) -> None:
    """Behind a backlog the chat's burst is not spent early: three messages queued ten
    seconds apart overall are ten seconds apart for the chat too, not bunched at the end."""
    slots = waits(db, 3, CHAT, SLOW)
    assert [s.taken for s in slots] == [True] * 3
    assert slots[1].wait > 9 and slots[2].wait > 19


def test_a_courtesy_takes_a_slot_that_comes_soon_or_nothing(db) -> None:
    assert store.take_if_soon(db, SLOW, within=1.0) == 0  # the first row is made
    assert store.take_if_soon(db, SLOW, within=1.0) is None  # the next slot is ten seconds away ...
    wait = store.take_if_soon(db, SLOW, within=11.0)  # ... which is soon enough for this one
    assert wait is not None and 9 < wait <= 10
    (message,) = waits(db, 1)
    assert 19 < message.wait <= 20  # the refused courtesy took nothing


def test_without_a_chat_rate_only_the_overall_budget_counts(db) -> None:
    slots = waits(db, 2, None)
    assert slots[0].wait == 0 and 9 < slots[1].wait <= 10


def test_telegrams_wait_for_one_chat_holds_every_process_and_only_that_chat(db) -> None:
    store.hold(db, 42, 30.0, CHAT)
    (held,) = waits(db, 1, CHAT, Rate(0.001))
    assert not held.taken and 29 < held.wait <= 30
    (other,) = waits(db, 1, CHAT, Rate(0.001), chat_id=43)
    assert other.taken and other.wait < 0.1


def test_quiet_chats_are_forgotten_and_the_overall_row_is_kept(db) -> None:
    waits(db, 1, CHAT, Rate(0.001))  # a chat that just spoke
    store.hold(db, 43, -store.STALE - 60, CHAT)  # one quiet for two minutes
    assert store.prune(db) == 1
    with db.transaction() as repo:
        keys = set(repo.session.scalars(select(BudgetRow.chat_id)))
    assert keys == {EVERYONE, 42}


@pytest.mark.parametrize("chat", [None, Rate(0.001, 3)], ids=["overall", "with-chats"])
def test_concurrent_takers_get_distinct_slots(db, chat) -> None:
    """Four threads, each with its own connection, take ten slots each for a few chats:
    every slot (when it was handed out plus the wait) lies at least one interval after the
    one before."""
    rate = Rate(1.0)
    slots: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def taker() -> None:
        start.wait()
        for _ in range(10):
            slot = store.take(db, 42 + len(slots) % 3, chat, rate)
            assert slot.taken
            with lock:
                slots.append(time.time() + slot.wait)

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
        assert repo.session.scalar(select(func.count()).select_from(BudgetRow)) == (1 if chat is None else 4)


def test_0008_goes_down_to_the_old_claim_index_and_up_again(db) -> None:
    def state() -> tuple[set[str], bool]:
        with db.engine.connect() as connection:
            found = inspect(connection)
            return {i["name"] for i in found.get_indexes("checkin_settings")}, found.has_table("send_budget")

    assert state() == ({"ix_checkin_settings_claim"}, True)
    for revision, down in (("0007", True), ("head", False)):
        with db.engine.begin() as connection:
            config = _alembic_config(db.url)
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
        if down:
            assert state() == ({"ix_checkin_settings_due"}, False)
    assert state() == ({"ix_checkin_settings_claim"}, True)
