"""PostgreSQL: a pooled connection is pinged only after it rested, and one the server
dropped meanwhile is replaced before a turn gets it.

``pool_pre_ping`` pinged at every checkout, a round trip each, three or four a turn; now a
connection back in the pool less than ``PING_AFTER_REST`` seconds ago goes out as it is.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.domain import Event, EventKind
from bot.storage import database as storage_database
from tests.conftest import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.skipif(not POSTGRES_ADMIN_URL, reason="needs INNERCHILD_TEST_POSTGRES_URL")


@pytest.fixture
def pings(runtime, monkeypatch) -> list[int]:
    """Each ping the pool sends, counted (the dialect's own ping, as before)."""
    if runtime.database.is_sqlite:
        pytest.skip("PostgreSQL's pool only")
    sent: list[int] = []
    dialect = runtime.database.engine.dialect
    ping = dialect.do_ping

    def counted(connection) -> bool:
        sent.append(1)
        return ping(connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def test_a_connection_used_moments_ago_is_not_pinged(runtime, pings) -> None:
    runtime.companion.handle(Event("tg:1", EventKind.COMMAND, text="/start"))  # the pool's connections are made
    pings.clear()
    for _ in range(3):
        runtime.companion.handle(Event("tg:1", EventKind.TEXT, text="I feel a bit tired today"))
    assert pings == []


def test_a_rested_connection_the_server_dropped_is_replaced(runtime, pings, monkeypatch) -> None:
    runtime.companion.handle(Event("tg:2", EventKind.COMMAND, text="/start"))
    database = runtime.database
    pooled = [database.engine.connect() for _ in range(database.engine.pool.checkedin())]  # every rested one
    pids = [connection.execute(text("SELECT pg_backend_pid()")).scalar_one() for connection in pooled]
    for connection in pooled:
        connection.close()  # back to the pool, each resting again
    url = make_url(database.url)
    with psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                         dbname=url.database, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert pids, "the pool held connections to drop"
    monkeypatch.setattr(storage_database, "PING_AFTER_REST", 0.0)  # as if they had rested a while
    pings.clear()
    replies = runtime.companion.handle(Event("tg:2", EventKind.TEXT, text="hello again")).replies
    assert pings, "a rested connection is pinged before it is used"
    assert replies, "the turn ran on a fresh connection"
