"""A thought split over two messages is read whole; the words are held in memory only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect, text

from bot.core.recent_texts import RecentTexts
from tests.console.helpers import Person


def test_a_thought_split_over_two_messages_reaches_the_crisis_card(companion) -> None:
    person = Person(companion)
    person.onboard()
    first = person.say("honestly i just want to")
    assert "Samaritans" not in first
    out = person.say("die. tonight.")
    assert "Samaritans" in out and "Are you safe right now?" in out


def test_the_previous_words_live_in_memory_only(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("a very particular sentence about my tortoise")
    with runtime.database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'select * from "{table}"')):
                assert "tortoise" not in " ".join(str(v) for v in row)


def test_recent_texts_forget_after_five_minutes_and_on_delete() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    recent = RecentTexts()
    recent.add("u", "one", now)
    recent.add("u", "two", now + timedelta(minutes=1))
    recent.add("u", "three", now + timedelta(minutes=2))
    assert recent.previous("u", now + timedelta(minutes=2)) == ("two", "three")
    assert recent.previous("u", now + timedelta(minutes=6, seconds=30)) == ("three",)
    assert recent.previous("u", now + timedelta(minutes=8)) == ()
    recent.add("u", "four", now)
    recent.forget("u")
    assert recent.previous("u", now) == ()


def test_recent_texts_hold_a_bounded_number_of_people() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    recent = RecentTexts(max_people=3)
    for i in range(5):
        recent.add(f"u{i}", "hello", now)
    assert recent.previous("u0", now) == () and recent.previous("u4", now) == ("hello",)


def test_recent_texts_let_go_of_people_gone_quiet_when_anyone_writes() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    recent = RecentTexts()
    for i in range(1000):
        recent.add(f"u{i}", "hello", now)
    recent.add("u1", "again", now + timedelta(minutes=3))
    assert len(recent) == 1000
    recent.add("late", "hello", now + timedelta(minutes=6))
    assert len(recent) == 2 and recent.previous("u1", now + timedelta(minutes=6)) == ("again",)
