"""Opening the database: the engine, SQLite's pragmas, and migrations.

SQLite is the embedded default (one file, created on first use and migrated at start);
PostgreSQL is for those who outgrow one machine (``innerchild db upgrade`` first).

How many turns may write at once (``Database.workers``, the size of the adapter's pool of
turn threads) follows the database:

- SQLite: one. A transaction queues for the process's ``WriterLock`` (first come, first
  served) and begins with ``BEGIN IMMEDIATE``, so it holds SQLite's write lock from its first
  statement: no thread of this process waits in SQLite's busy handler, whose growing sleeps
  made the tail (``writer.py``), and a transaction's reads see the same snapshot as its
  writes. ``Database.read()`` is for reading only (the outbox sweeper's look, an operator's
  report or export, which may take a while): it begins a plain deferred transaction, one
  snapshot, and neither waits for the writer nor makes it wait (WAL). ``connect()`` and
  ``read_connection()`` are the same two kinds of transaction on a bare ``Connection``, for
  work that is a few Core statements (the outbox's claims and marks after each message, a
  person's recent safety levels before their turn), where making a Session would cost more
  than the statements. The file is in WAL mode with ``synchronous=NORMAL``: a commit is appended to
  the WAL without an fsync of its own (the WAL is synced at each checkpoint); a power cut may
  lose the last commits but never corrupts the file, and a process crash loses nothing.
- PostgreSQL: ``TURN_WORKERS`` turns (two: one in Python, one waiting on the database; more
  threads only contend for the GIL), each on a pooled connection, and ``RESERVED`` more
  connections for what runs beside the turns and must not queue behind them: the poller's
  leadership (held for the process's life), the check-in sweep, the outbox sweeper's look
  and the readiness ping (``bot/ops``). ``OVERFLOW`` covers a short burst beyond that.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from . import revisions
from .leader import Leadership, try_lead
from .repository import Repository, SafetyHistory, safety_history
from .writer import NoLock, WriterLock

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
READ_ONLY = "innerchild_read_only"  # an execution option: begin a plain (deferred) transaction
TURN_WORKERS = 2  # PostgreSQL: turns at once, one pooled connection each
RESERVED = 4  # PostgreSQL: connections beside the turns' (leadership, check-ins, outbox sweeper, /readyz)
OVERFLOW = 4  # PostgreSQL: more, opened for a burst and closed after it
PING_AFTER_REST = 5.0  # PostgreSQL: seconds a pooled connection may rest before it is pinged at checkout
RESTED_SINCE = "innerchild_rested_since"  # in a pooled connection's ``info``: when it came back


class DatabaseError(Exception):
    """The database cannot be opened or is not migrated; the message is one line."""


def problem_line(exc: BaseException, url: str) -> str | None:
    """One line an operator can act on for a database error raised anywhere (at start-up or
    in the middle of a command), or None when ``exc`` is not the database's. The driver's
    first line only: the statement and its parameters (a person's words) never appear."""
    if isinstance(exc, DatabaseError):
        return str(exc)
    if isinstance(exc, DBAPIError):
        return _driver_line(exc, url)
    return None


def _driver_line(exc: DBAPIError, url: str) -> str:
    reason = (str(exc.orig).strip().splitlines() or [""])[0] or type(exc.orig).__name__
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        if isinstance(exc, OperationalError):
            return f"cannot reach the database ({reason}): check that it runs and that INNERCHILD_DATABASE_URL names it"
        return f"the database refused a statement ({reason}): run with INNERCHILD_LOG_LEVEL=DEBUG for details"
    path = Path(parsed.database).expanduser()
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"the database file {path} is damaged or is not a database ({reason}): restore it from a backup "
            "(or move it away, and a new, empty one is made)"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"the database file {path} cannot be written ({reason}): make it and its folder writable by this user"
    if "unable to open" in lowered:
        return f"the database file {path} cannot be opened ({reason}): check that its folder exists and this user can write it"
    return f"the database file {path} failed ({reason}): check the file and its folder"


def unreachable(exc: DBAPIError, url: str) -> DatabaseError:
    return DatabaseError(_driver_line(exc, url))


def _alembic_config(url: str) -> Config:
    from alembic.config import Config  # alembic only when there is something to migrate (``revisions``)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    def __init__(self, url: str, *, workers: int = TURN_WORKERS):
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(f"INNERCHILD_DATABASE_URL is not a database URL: {url!r}") from None
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed.render_as_string(hide_password=False)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the folder {folder} for the database file ({exc.strerror or type(exc).__name__}): "
                    "create it for this user, or name another file in INNERCHILD_DATABASE_URL"
                ) from None
            _writable(Path(parsed.database).expanduser())
        kwargs: dict[str, object] = {"future": True}
        if self.is_sqlite:
            # isolation_level=None: the driver leaves transactions alone; ``_begin`` starts them
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30, "isolation_level": None}
            self.workers = 1
        else:
            self.workers = max(1, workers)
            kwargs.update(pool_size=self.workers + RESERVED, max_overflow=OVERFLOW)  # pinged when rested (below)
        kwargs["hide_parameters"] = True  # an error or a log line never carries a person's words
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option ...
            raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _begin_immediate)
        else:
            event.listen(self.engine.pool, "checkin", _rests)
            event.listen(self.engine.pool, "checkout", self._ping_if_rested)
        self._writer: WriterLock | NoLock = WriterLock() if self.is_sqlite else NoLock()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = self.engine.execution_options(**{READ_ONLY: True})  # the same pool
        self._read_sessions = sessionmaker(self._reader, expire_on_commit=False)
        # PostgreSQL: one statement, committed as it runs (``one_statement``); the same pool
        self._autocommit = None if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> None:
        """Apply every migration not yet applied."""
        if self.at_head():
            return
        from alembic import command

        try:
            with self.engine.begin() as connection:
                config = _alembic_config(self.url)
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except DBAPIError as exc:
            raise unreachable(exc, self.url) from None

    def at_head(self) -> bool:
        """Whether the database records the newest migration(s), read without alembic."""
        newest = revisions.heads()
        if newest is None:
            return False
        try:
            with self.engine.connect() as connection:
                return revisions.applied(connection) == newest
        except DBAPIError as exc:
            raise unreachable(exc, self.url) from None

    def is_current(self) -> bool:
        if self.at_head():
            return True
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        heads = set(ScriptDirectory.from_config(_alembic_config(self.url)).get_heads())
        try:
            with self._reader.connect() as connection:
                current = set(MigrationContext.configure(connection).get_current_heads())
        except DBAPIError as exc:
            raise unreachable(exc, self.url) from None
        return current == heads

    @contextmanager
    def transaction(self) -> Iterator[Repository]:
        """One unit of work: everything inside commits together, or nothing does (on SQLite,
        one at a time in this process, in the order they asked)."""
        with self._writer:
            session: Session = self._sessions()
            try:
                with session.begin():
                    repo = Repository(session)
                    yield repo
                    repo.finish()  # the counts, last (``Repository.finish``)
            finally:
                session.close()

    @contextmanager
    def read(self) -> Iterator[Repository]:
        """A unit of reading, in one snapshot; nothing in it is written. On SQLite it takes
        no turn in the writer's queue and keeps no writer waiting, however long it reads."""
        session: Session = self._read_sessions()
        try:
            with session.begin():
                yield Repository(session)
        finally:
            session.close()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A transaction of Core statements only, on a bare ``Connection``: the same writer
        lock and (SQLite) ``BEGIN IMMEDIATE`` as ``transaction``, without the ORM's Session,
        whose making, flush and commit cost more than two short statements (the outbox's
        claims and marks, one after each message sent). Commits on leaving, rolls back on an
        exception."""
        with self._writer, self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """``read`` for Core statements only: one snapshot, a plain (deferred) transaction on
        SQLite that neither waits for the writer nor makes it wait, on a bare ``Connection``
        (no Session to make and close). Nothing in it may write."""
        with self._reader.begin() as connection:
            yield connection

    @contextmanager
    def one_statement(self, *, read_only: bool = False) -> Iterator[Connection]:
        """For work that is one statement, atomic by itself (the outbox's mark after a
        message, the safety history before a turn). On PostgreSQL the connection is in
        autocommit: the statement is its own transaction, one round trip to the server
        instead of three (BEGIN, the statement, COMMIT), which were most of its cost. On
        SQLite, where a transaction costs no round trip, ``connect`` (``read_only``:
        ``read_connection``) as before. Run one statement in it, never two."""
        if self._autocommit is None:
            with self.read_connection() if read_only else self.connect() as connection:
                yield connection
            return
        with self._autocommit.connect() as connection:
            yield connection

    def safety_history(self, external_id: str) -> SafetyHistory | None:
        """The person's recent safety levels, country and whether a dialogue is active, read
        before their turn (``Companion.safety_history``) in a short read of its own: one
        statement of plain columns, on a bare connection (``one_statement``)."""
        with self.one_statement(read_only=True) as connection:
            return safety_history(connection, external_id)

    def _ping_if_rested(self, dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: object) -> None:
        """PostgreSQL: a pooled connection that rested ``PING_AFTER_REST`` seconds or more
        (or was never used) answers a ping before it is handed out; one that does not is
        replaced (``DisconnectionError``: the pool connects afresh). Why not ``pool_pre_ping``:
        it pinged at every checkout, and a turn checks out three or four times (its safety
        read, the turn, a mark after each message): a round trip each, a quarter of a turn
        on PostgreSQL. A connection used moments ago is alive unless the server went away in
        those moments, which a ping just before could not rule out either; the statement
        that finds it so fails, and SQLAlchemy then replaces every pooled connection."""
        rested = record.info.get(RESTED_SINCE)
        if rested is not None and time.monotonic() - rested < PING_AFTER_REST:
            return
        try:
            self.engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises, the connection is not usable
            raise DisconnectionError(type(exc).__name__) from exc

    def ping(self, timeout: float = 2.0) -> None:
        """Raise unless the database answers (the operators' readiness check, ``bot/ops``).

        PostgreSQL: ``SELECT 1`` on a pooled connection (pinged first if it rested, ``_ping_if_rested``).
        A SQLite file: a fresh read-only connection reads its schema, since a pooled
        connection would keep reading a file that was deleted or moved away."""
        database = self.engine.url.database
        if self.is_sqlite and database and database != ":memory:":
            uri = f"file:{quote(str(Path(database).expanduser()))}?mode=ro"
            with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as connection:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def try_lead(self, role: str) -> Leadership | None:
        """Lead ``role`` ("poller", "webhook") if no other process does (``leader.py``)."""
        return try_lead(self.engine, role)

    def dispose(self) -> None:
        self.engine.dispose()


def _writable(path: Path) -> None:
    """A SQLite file (and its -wal and -shm) that exists opens for writing, or one line now:
    SQLite itself would open it read-only and fail only at a turn's first write."""
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            os.close(os.open(each, os.O_RDWR))
        except (FileNotFoundError, IsADirectoryError):
            continue  # not there yet (SQLite makes it), or a folder (SQLite says so, below)
        except OSError as exc:
            raise DatabaseError(
                f"the database file {each} cannot be written ({exc.strerror or type(exc).__name__}): "
                "make it writable by this user (chown, chmod u+rw)"
            ) from None


def _rests(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    """A connection back in the pool: from now it rests (``Database._ping_if_rested``)."""
    record.info[RESTED_SINCE] = time.monotonic()


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at each checkpoint, never corrupt
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    """SQLite: take the write lock as the transaction begins (the driver would begin only
    at the first write, after the reads, or not at all for a read); a ``read()`` begins a
    plain transaction, which takes no lock until it would write."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
