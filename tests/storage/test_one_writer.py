"""One writer at a time on SQLite, in arrival order; PostgreSQL's pool sized for its workers.

No timings: threads are lined up by watching the lock's queue, so the order is certain.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from bot.storage import Database
from bot.storage.database import OVERFLOW, RESERVED, TURN_WORKERS
from bot.storage.writer import NestedTransaction, WriterLock


def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the other thread never got there"
        time.sleep(0.001)


def _queued(lock: WriterLock) -> int:
    return len(lock._waiting)


def test_the_writer_lock_is_taken_in_the_order_threads_asked():
    lock, order = WriterLock(), []
    lock.acquire()

    def writer(name: str) -> None:
        with lock:
            order.append(name)

    threads = []
    for index, name in enumerate(["first", "second", "third"]):
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda index=index: _queued(lock) == index + 1)
    lock.release()
    for thread in threads:
        thread.join(10)
    assert order == ["first", "second", "third"]


def test_a_thread_that_writes_again_at_once_goes_behind_the_one_waiting():
    lock, order = WriterLock(), []
    lock.acquire()
    waiting = threading.Thread(target=lambda: (lock.acquire(), order.append("waiting"), lock.release()))
    waiting.start()
    _wait_until(lambda: _queued(lock) == 1)
    lock.release()
    with lock:  # a plain threading.Lock would often give it straight back to this thread
        order.append("again")
    waiting.join(10)
    assert order == ["waiting", "again"]


def test_a_transaction_inside_a_transaction_fails_at_once_instead_of_waiting_for_itself(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'nested.db'}")
    try:
        with database.transaction():
            with pytest.raises(NestedTransaction):
                with database.transaction():
                    pass
        with database.transaction() as repo:  # the lock was given back
            assert repo.session.execute(text("SELECT 1")).scalar() == 1
    finally:
        database.dispose()


def test_sqlite_begins_immediate_in_wal_with_synchronous_normal(tmp_path):
    path = tmp_path / "writer.db"
    database = Database(f"sqlite:///{path}")
    try:
        assert database.workers == 1
        with database.transaction() as repo:
            session = repo.session
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            session.execute(text("SELECT 1")).scalar()  # a read only: the write lock is held already
            assert_write_locked(path)
    finally:
        database.dispose()


def test_a_read_neither_waits_for_the_writer_nor_keeps_it_waiting(tmp_path):
    path = tmp_path / "reader.db"
    database = Database(f"sqlite:///{path}")
    try:
        with database.transaction() as repo:
            repo.session.execute(text("CREATE TABLE notes (n INTEGER NOT NULL)"))
            repo.session.execute(text("INSERT INTO notes VALUES (1)"))
        with database.read() as repo:  # no write lock: another connection can write meanwhile
            assert repo.session.execute(text("SELECT n FROM notes")).scalar_one() == 1
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("UPDATE notes SET n = 2")
                other.execute("COMMIT")
            finally:
                other.close()
            assert repo.session.execute(text("SELECT n FROM notes")).scalar_one() == 1  # one snapshot
        with database.transaction():  # this thread holds the writer lock ...
            with database.read() as repo:  # ... and still reads, without waiting for itself
                assert repo.session.execute(text("SELECT n FROM notes")).scalar_one() == 2
    finally:
        database.dispose()


def test_a_bare_connection_writes_as_a_transaction_does_and_reads_as_a_read_does(tmp_path):
    """``connect()`` (the outbox's marks) queues for the same writer lock and holds SQLite's
    write lock from BEGIN; ``read_connection()`` (the safety history) takes neither."""
    path = tmp_path / "bare.db"
    database = Database(f"sqlite:///{path}")
    try:
        with database.connect() as connection:
            connection.execute(text("CREATE TABLE notes (n INTEGER NOT NULL)"))
            connection.execute(text("INSERT INTO notes VALUES (1)"))
            assert_write_locked(path)
            with pytest.raises(NestedTransaction):  # the writer lock is this thread's
                with database.transaction():
                    pass
        with pytest.raises(RuntimeError, match="undone"):
            with database.connect() as connection:
                connection.execute(text("UPDATE notes SET n = 5"))
                raise RuntimeError("undone")  # rolled back
        with database.transaction():  # this thread holds the writer lock ...
            with database.read_connection() as connection:  # ... and still reads, one snapshot
                assert connection.execute(text("SELECT n FROM notes")).scalar_one() == 1
                other = sqlite3.connect(path, timeout=0, isolation_level=None)
                try:
                    other.execute("UPDATE notes SET n = 2")  # waits for nobody: the writer lock is ours, not SQLite's yet
                finally:
                    other.close()
                assert connection.execute(text("SELECT n FROM notes")).scalar_one() == 1
    finally:
        database.dispose()


def test_six_threads_writing_at_once_all_commit(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'six.db'}")
    try:
        with database.transaction() as repo:
            repo.session.execute(text("CREATE TABLE tally (n INTEGER NOT NULL)"))
            repo.session.execute(text("INSERT INTO tally VALUES (0)"))

        def writer() -> None:
            for _ in range(50):
                with database.transaction() as repo:  # read, then write: a lost update shows
                    n = repo.session.execute(text("SELECT n FROM tally")).scalar_one()
                    repo.session.execute(text("UPDATE tally SET n = :n"), {"n": n + 1})

        threads = [threading.Thread(target=writer) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with database.transaction() as repo:
            assert repo.session.execute(text("SELECT n FROM tally")).scalar_one() == 300
    finally:
        database.dispose()


def test_postgresql_keeps_a_connection_per_turn_worker_and_some_beside_them():
    database = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connected
    assert database.workers == TURN_WORKERS
    assert database.engine.pool.size() == TURN_WORKERS + RESERVED
    assert database.engine.pool._max_overflow == OVERFLOW
    three = Database("postgresql+psycopg://nobody@127.0.0.1:1/none", workers=3)
    assert (three.workers, three.engine.pool.size()) == (3, 3 + RESERVED)


def test_turns_holding_every_turn_connection_leave_room_for_the_rest(db_url):
    """Every turn worker inside a transaction, and the poller's leadership held: the readiness
    ping, the check-in sweep's and the outbox sweeper's transactions still get a connection
    at once on PostgreSQL (on SQLite the ping reads the file on a connection of its own)."""
    database = Database(db_url)
    busy, release = threading.Barrier(database.workers + 1), threading.Event()

    def turn() -> None:
        with database.transaction() as repo:
            repo.session.execute(text("SELECT 1"))
            busy.wait(10)
            release.wait(10)

    turns = [threading.Thread(target=turn) for _ in range(database.workers)]
    leadership = None
    try:
        for thread in turns:
            thread.start()
        busy.wait(10)  # every turn is inside its transaction now
        leadership = database.try_lead("poller")
        database.ping(timeout=2)
        if not database.is_sqlite:
            database.engine.pool._timeout = 1  # a pool with no room left would raise, not wait 30 s
            beside = [database.engine.connect() for _ in range(2)]  # the check-in sweep, the outbox sweeper
            for connection in beside:
                assert connection.execute(text("SELECT 1")).scalar() == 1
                connection.close()
            database.ping(timeout=2)
    finally:
        release.set()
        for thread in turns:
            thread.join(10)
        if leadership is not None:
            leadership.release()
        database.dispose()


def assert_write_locked(path) -> None:
    """Another connection cannot take SQLite's write lock on ``path``: this one holds it."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
