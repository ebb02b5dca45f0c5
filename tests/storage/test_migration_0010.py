"""Migration 0010 on each backend: a database at 0009 whose safety events carry the time of
the person's ``last_safety_at`` comes out with day counts only (the times gone), its usage
counts kept, retention marks that never proved a delivery cleared; and back down again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import inspect, text

from bot.storage.database import Database
from tests.storage.test_encrypted_moods import migrate

AT = [datetime(2026, 1, 14, 9, 17, 23, 456789), datetime(2026, 1, 14, 21, 5, 1, 1), datetime(2026, 1, 15, 0, 30, 0, 5)]


def at_0009(database: Database) -> None:
    migrate(database, "0009")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO persons (external_id, created_at, last_seen_at, active, recent_safety, last_safety_level, last_safety_at, retention_notice_at)"
                " VALUES ('tg:1', :at, :at, :yes, '[]', 'crisis', :at, :at)"
            ),
            {"at": AT[1], "yes": True},
        )
        for at, level in zip(AT, ("crisis", "crisis", "concern"), strict=True):
            connection.execute(
                text("INSERT INTO safety_events (level, categories, source, created_at) VALUES (:level, 'suicide', 'message', :at)"),
                {"level": level, "at": at},
            )
        connection.execute(text("INSERT INTO usage_counts (day, kind, count) VALUES (:day, 'safety_crisis', 2)"), {"day": date(2026, 1, 14)})
        person = connection.execute(text("SELECT id FROM persons")).scalar_one()  # a row that cascades from the person
        connection.execute(text("INSERT INTO processed_updates (key, person_id, created_at) VALUES ('tg:9', :p, :at)"), {"p": person, "at": AT[0]})


def kept(database: Database) -> tuple[int, int]:
    """The person and what hangs on them: no table copy may drop (and so cascade) them."""
    with database.engine.connect() as connection:
        return (
            connection.execute(text("SELECT count(*) FROM persons")).scalar_one(),
            connection.execute(text("SELECT count(*) FROM processed_updates")).scalar_one(),
        )


def test_0010_counts_by_day_and_back(db_url) -> None:
    database = Database(db_url)
    try:
        at_0009(database)
        migrate(database, "0010")
        assert kept(database) == (1, 1)
        with database.engine.connect() as connection:
            counts = connection.execute(text("SELECT day, level, categories, source, count FROM safety_events ORDER BY day, level")).all()
            assert [(str(d)[:10], lv, c, s, n) for d, lv, c, s, n in counts] == [
                ("2026-01-14", "crisis", "suicide", "message", 2),
                ("2026-01-15", "concern", "suicide", "message", 1),
            ]
            assert {c["name"] for c in inspect(connection).get_columns("safety_events")} == {"day", "level", "categories", "source", "count"}
            assert connection.execute(text("SELECT count FROM usage_counts")).scalar_one() == 2
            person = connection.execute(text("SELECT retention_notice_at, retention_queued_at FROM persons")).one()
            assert tuple(person) == (None, None)  # decided, never proved delivered: noticed again
            assert connection.execute(text("SELECT count(*) FROM outbox WHERE notice")).scalar_one() == 0

        migrate(database, "0009", down=True)
        assert kept(database) == (1, 1)
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT level, created_at FROM safety_events ORDER BY id")).all()
            assert [(lv, str(at)[:19]) for lv, at in rows] == [
                ("crisis", "2026-01-14 00:00:00"),
                ("crisis", "2026-01-14 00:00:00"),
                ("concern", "2026-01-15 00:00:00"),
            ]  # one row per referral again; the time of day does not come back
            assert connection.execute(text("SELECT count FROM usage_counts")).scalar_one() == 2
            assert "retention_queued_at" not in {c["name"] for c in inspect(connection).get_columns("persons")}
            assert "notice" not in {c["name"] for c in inspect(connection).get_columns("outbox")}
        migrate(database, "head")
    finally:
        database.dispose()
