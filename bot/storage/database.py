"""Opening the database: the engine, SQLite's pragmas, and migrations.

SQLite is the embedded default (one file, created on first use and migrated at start);
PostgreSQL is for those who outgrow one machine (``innerchild db upgrade`` first).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from . import revisions
from .leader import Leadership, try_lead
from .repository import Repository

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """The database cannot be opened or is not migrated; the message is one line."""


def _alembic_config(url: str) -> Config:
    from alembic.config import Config  # alembic only when there is something to migrate (``revisions``)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    def __init__(self, url: str):
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(f"INNERCHILD_DATABASE_URL is not a database URL: {url!r}") from None
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed.render_as_string(hide_password=False)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, object] = {"future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=5)
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option ...
            raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

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
        except OperationalError as exc:
            raise DatabaseError(f"cannot reach the database: {exc.orig}") from None

    def at_head(self) -> bool:
        """Whether the database records the newest migration(s), read without alembic."""
        newest = revisions.heads()
        if newest is None:
            return False
        try:
            with self.engine.connect() as connection:
                return revisions.applied(connection) == newest
        except OperationalError as exc:
            raise DatabaseError(f"cannot reach the database: {exc.orig}") from None

    def is_current(self) -> bool:
        if self.at_head():
            return True
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        heads = set(ScriptDirectory.from_config(_alembic_config(self.url)).get_heads())
        try:
            with self.engine.connect() as connection:
                current = set(MigrationContext.configure(connection).get_current_heads())
        except OperationalError as exc:
            raise DatabaseError(f"cannot reach the database: {exc.orig}") from None
        return current == heads

    @contextmanager
    def transaction(self) -> Iterator[Repository]:
        """One unit of work: everything inside commits together, or nothing does."""
        session: Session = self._sessions()
        try:
            with session.begin():
                yield Repository(session)
        finally:
            session.close()

    def ping(self, timeout: float = 2.0) -> None:
        """Raise unless the database answers (the operators' readiness check, ``bot/ops``).

        PostgreSQL: ``SELECT 1`` on a pooled connection (checked first, ``pool_pre_ping``).
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


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
