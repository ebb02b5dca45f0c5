"""The operators' safety counts cannot be joined to a person (issue #18).

People in crisis, at times with seconds and microseconds, over several days; then every
time or date column of ``safety_events`` is tried against every value of every column of
``persons`` (the safety history's times inside its JSON too): equal, the same second, the
same minute. None may match. Nor may the counts tell in which order the referrals came: no
id, and on SQLite no rowid, in insert order. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import build_runtime
from tests.console.helpers import Person

CRISIS = "I want to kill myself tonight"
CONCERN = "I feel completely hopeless about everything"


def times_in(value: object) -> list[datetime]:
    """Every moment a stored value holds: itself, text that reads as one, or inside JSON."""
    if isinstance(value, datetime):
        return [value if value.tzinfo else value.replace(tzinfo=UTC)]
    if isinstance(value, date):
        return [datetime(value.year, value.month, value.day, tzinfo=UTC)]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in times_in(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in times_in(item)]
    if isinstance(value, str):
        try:
            return times_in(json.loads(value)) if value[:1] in "[{" else times_in(datetime.fromisoformat(value))
        except ValueError:
            return []
    return []


def rows_of(connection, table: str) -> list[dict[str, object]]:
    return [dict(row._mapping) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]


def time_columns(connection, table: str) -> list[str]:
    names = []
    for column in inspect(connection).get_columns(table):
        kind = str(column["type"]).upper()
        if "DATE" in kind or "TIME" in kind:
            names.append(column["name"])
    return names


def links(events: list[dict[str, object]], people: list[dict[str, object]], event_columns: list[str]) -> list[str]:
    """Every (event column, person column, how) that pairs an event with a person."""
    found = []
    for event in events:
        for event_column in event_columns:
            for moment in times_in(event[event_column]):
                for person in people:
                    for column, value in person.items():
                        if value == event[event_column]:
                            found.append(f"{event_column} = persons.{column}")
                        for theirs in times_in(value):
                            if theirs.replace(microsecond=0) == moment.replace(microsecond=0):
                                found.append(f"{event_column} ~ persons.{column} (same second)")
                            elif theirs.replace(second=0, microsecond=0) == moment.replace(second=0, microsecond=0):
                                found.append(f"{event_column} ~ persons.{column} (same minute)")
    return found


def test_no_join_of_safety_events_and_persons_names_anyone(db_url, clock, tmp_path) -> None:
    clock.now = datetime(2026, 1, 15, 9, 17, 23, 456789, tzinfo=UTC)
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        sam, alex, kim = (Person(runtime.companion, name=n) for n in ("sam", "alex", "kim"))
        for person in (sam, alex, kim):
            person.onboard()
            clock.advance(minutes=3, seconds=7, microseconds=1234)
        sam.say(CRISIS)
        clock.advance(hours=2, minutes=11, seconds=5, microseconds=98765)
        alex.say(CONCERN)
        clock.advance(days=1, minutes=42, seconds=31, microseconds=4321)
        kim.say(CRISIS)
        clock.advance(minutes=5, seconds=13, microseconds=777)
        alex.say(CRISIS)  # alex's last_safety_at moves on; the earlier one is only in their history
        with runtime.database.engine.connect() as connection:
            events = rows_of(connection, "safety_events")
            people = rows_of(connection, "persons")
            event_columns = time_columns(connection, "safety_events")
            columns = {c["name"] for c in inspect(connection).get_columns("safety_events")}
        assert len(people) == 3 and all(p["last_safety_at"] is not None for p in people)
        assert event_columns and links(events, people, event_columns) == []  # no value of any person matches
        assert event_columns == ["day"]  # the day only, which is not a time
        assert columns == {"day", "level", "categories", "source", "count"}  # no id, no time, no person
        assert sum(int(str(e["count"])) for e in events) == 4
    finally:
        runtime.database.dispose()


def test_no_insert_order_to_line_up_against_the_people(db_url, clock, tmp_path) -> None:
    """An id (or SQLite's rowid) in insert order would give the order of the day's referrals,
    to match against the order of people's ``last_safety_at``: the counts have neither, nor
    have the daily usage counts."""
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        for name, words in (("sam", CRISIS), ("alex", CONCERN)):
            person = Person(runtime.companion, name=name)
            person.onboard()
            clock.advance(minutes=9)
            person.say(words)
        with runtime.database.engine.connect() as connection:
            for table in ("safety_events", "usage_counts"):
                for column in inspect(connection).get_columns(table):
                    assert column.get("autoincrement") is not True, (table, column["name"])
                assert "id" not in {c["name"] for c in inspect(connection).get_columns(table)}
                if runtime.database.dialect == "sqlite":
                    with pytest.raises(DatabaseError):
                        connection.execute(text(f"SELECT rowid FROM {table}"))
            # Stored in key order (day, level, categories, source), whatever came first.
            levels = [row.level for row in connection.execute(text("SELECT level FROM safety_events"))]
        if runtime.database.dialect == "sqlite":
            assert levels == sorted(levels)
    finally:
        runtime.database.dispose()


def test_innerchild_stats_counts_them_by_day(db_url, clock, tmp_path, monkeypatch) -> None:
    """``innerchild stats`` (and /stats, from the same counts) needs no more than the day."""
    from typer.testing import CliRunner

    from bot.cli import app
    from tests.conftest import TEST_KEY

    clock.now = datetime.now(UTC) - timedelta(days=10)  # the command counts "this week" from now
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        sam = Person(runtime.companion, name="sam")
        sam.onboard()
        sam.say(CRISIS)
        clock.now = datetime.now(UTC)
        sam.say(CRISIS)
        sam.say(CONCERN)
    finally:
        runtime.database.dispose()
    for key in ("DATABASE_URL", "ENCRYPTION_KEY", "DATA_DIR"):
        monkeypatch.delenv(f"INNERCHILD_{key}", raising=False)
    monkeypatch.setenv("INNERCHILD_ENCRYPTION_KEY", TEST_KEY)
    monkeypatch.setenv("INNERCHILD_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["stats", "--db", db_url])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["totals"]["safety_events"]["crisis"] == 2
    assert stats["week"]["safety_events"]["crisis"] == 1
