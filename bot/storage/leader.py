"""One process at a time for a role ("poller", "webhook"): who leads, held until it exits.

Why: Telegram lets one process long-poll a bot (a second gets 409 Conflict, and the two
then steal each other's updates), and one process should register the webhook. Processes
that share a PostgreSQL database elect the leader with a session-level advisory lock
(``pg_try_advisory_lock``) on a connection of its own: when the leader dies, its
connection closes, the lock is released, and a standby that tries again takes over. On
SQLite (one machine) the lock is an ``flock`` on a file beside the database, released the
same way when the process dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)


class Leadership:
    """A held lock; ``release()`` gives it up (the process exiting does too)."""

    def __init__(self, connection: Connection | None = None, handle: IO[str] | None = None):
        self._connection = connection
        self._handle = handle

    def alive(self) -> bool:
        """Whether the lock is still ours (a PostgreSQL connection can drop)."""
        if self._connection is None:
            return self._handle is not None
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception as exc:  # noqa: BLE001 - closing releases the lock anyway
                log.debug("closing the leader connection: %s", type(exc).__name__)
            self._connection = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def try_lead(engine: Engine, role: str) -> Leadership | None:
    """The lock for ``role`` if no other process holds it, else None (try again later)."""
    if engine.dialect.name == "sqlite":
        return _try_file_lock(engine.url.database, role)
    connection = engine.connect()
    try:
        schema = connection.execute(text("SELECT current_schema()")).scalar() or ""
        # per database and schema: two deployments sharing a database under their own schemas
        key = zlib.crc32(f"innerchild:{role}:{schema}".encode()) & 0x7FFFFFFF
        got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        connection.commit()
    except Exception:
        connection.close()
        raise
    if not got:
        connection.close()
        return None
    return Leadership(connection=connection)


def _try_file_lock(database: str | None, role: str) -> Leadership | None:
    if not database or database == ":memory:":
        return Leadership(handle=open(os.devnull))
    path = Path(database).expanduser().with_name(Path(database).name + f".{role}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    handle = os.fdopen(fd, "r+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return Leadership(handle=handle)
