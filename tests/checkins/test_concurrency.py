"""Several schedulers on one PostgreSQL database never send one nudge twice, nor deadlock.

Two sweepers, each with its own engine (as two replicas would have), race over a few
hundred due nudges while people keep writing. ``FOR UPDATE ... SKIP LOCKED`` hands each
row to exactly one of them; advancing ``next_due_at`` in the same transaction makes a
second claim impossible.

Each sweep takes several rows a transaction, and the batches mix what they count (a nudge
sent, one skipped for someone who blocked the bot, a soft one after a hard moment) while
people's turns count dialogues begun and safety levels: counters taken in a different
order by two transactions used to deadlock here (``Repository.finish`` takes them last, in
one order).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest

from bot.checkins import service_for
from bot.checkins.actions import reschedule
from bot.domain import Event, EventKind
from bot.storage import checkins as store
from tests.conftest import POSTGRES_ADMIN_URL, build_runtime

PEOPLE = 300


@pytest.mark.skipif(not POSTGRES_ADMIN_URL, reason="needs INNERCHILD_TEST_POSTGRES_URL")
def test_two_schedulers_send_each_nudge_exactly_once(request, clock, tmp_path, caplog) -> None:
    request.getfixturevalue("postgres_database")
    url = _fresh_schema_url(request)
    first = build_runtime(url, clock, tmp_path / "a")
    second = build_runtime(url, clock, tmp_path / "b")
    try:
        start = clock()
        with first.database.transaction() as repo:
            for i in range(PEOPLE):
                person, _ = repo.get_or_create_person(f"tg:{i}", start)
                person.consent_version, person.adult, person.timezone = first.companion.consent_version, True, "Europe/London"
                person.last_seen_at = start - timedelta(days=1)
                person.active = i % 4 != 1  # blocked the bot: skipped, counted as such
                if i % 4 == 2:  # a hard moment yesterday: a soft check-in
                    person.last_safety_level, person.last_safety_at = "distress", start - timedelta(hours=20)
                row = store.ensure_settings(repo, person, start)
                row.enabled, row.minute, row.quiet_start, row.quiet_end = True, 20 * 60 + 30, None, None
                reschedule(row, person.timezone, start)
        clock.now = start.replace(hour=20, minute=31)

        sent: list[list[str]] = [[], []]
        errors: list[BaseException] = []
        barrier = threading.Barrier(3)

        def run(index: int, runtime) -> None:
            try:
                service = service_for(runtime)
                barrier.wait()
                while True:
                    nudges = service.sweep(limit=7)
                    sent[index].extend(n.user for n in nudges)
                    if not nudges:
                        return
            except BaseException as exc:
                errors.append(exc)

        def chatter() -> None:  # people writing meanwhile: their turns lock their rows and count
            barrier.wait()
            for i in range(0, PEOPLE, 10):
                user = f"tg:{i}"
                first.companion.handle(Event(user, EventKind.COMMAND, text="/help"))
                first.companion.handle(Event(user, EventKind.TEXT, text="I feel so low and alone tonight"))
                first.companion.handle(Event(user, EventKind.COMMAND, text="/start", args="first_letter"))

        threads = [threading.Thread(target=run, args=(0, first)), threading.Thread(target=run, args=(1, second)), threading.Thread(target=chatter)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not failed, f"{len(failed)} nudge(s) failed (a deadlock?): {failed[0]}"
        everyone = sent[0] + sent[1]
        assert len(everyone) == len(set(everyone)), "a nudge went out twice"
        assert sent[0] and sent[1], "both schedulers should have taken a share"
        # those who wrote just now were postponed, and those who blocked the bot skipped;
        # everyone else nudged exactly once
        writers = {f"tg:{i}" for i in range(0, PEOPLE, 10)}
        blocked = {f"tg:{i}" for i in range(PEOPLE) if i % 4 == 1}
        assert set(everyone) | writers == {f"tg:{i}" for i in range(PEOPLE)} - blocked
        with first.database.transaction() as repo:
            assert store.peek_due(repo, clock()) == []
    finally:
        first.database.dispose()
        second.database.dispose()


def _fresh_schema_url(request) -> str:
    """A schema of its own on the test database (the ``db_url`` fixture, PostgreSQL only)."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    from tests.conftest import _pg_url

    database = request.getfixturevalue("postgres_database")
    admin = make_url(POSTGRES_ADMIN_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username or "postgres", dbname=database, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return _pg_url(database, schema)
