"""PRIVACY.md's promises that no other test held, each through the console or the Telegram
adapter, on SQLite and PostgreSQL where they touch the database:

- every column the page marks encrypted holds Fernet tokens only (the journal's questions,
  which may hold the person's names, and a typed name waiting for "Shall I call you ...?" too);
- a session's trail of step names is at most 8 long;
- ``/delete`` drops the words held in memory for the safety check at once;
- on Telegram, photos, voice notes and files are never downloaded, and after ``/delete``
  no row of any table names the person; the sending budget's row for their chat (an id and
  a time) goes at the running bot's hourly housekeeping.
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import inspect, text

from bot.engine.machine import TRAIL
from bot.storage import Cipher
from bot.storage.encrypted import ENCRYPTED
from tests.conftest import TEST_KEY, build_runtime
from tests.console.helpers import Person
from tests.telegram.helpers import DOCUMENT, PHOTO, VOICE, Harness, message, press

WAITING_NAME = "Zq 7"  # an odd answer: the companion asks "Shall I call you ...?" and waits


def raw_values(connection, table: str, column: str) -> list[object]:
    return [row[0] for row in connection.execute(text(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'))]


def test_every_encrypted_column_holds_tokens_only(runtime) -> None:
    person = Person(runtime.companion)
    walk_a_long_dialogue(person)
    person.say("/start safety_plan", "1", "When I think about Marigold I stop sleeping")
    other = Person(runtime.companion, name="kim")
    asked = other.say("1", "1", "1", "1", "United Kingdom", "London", WAITING_NAME)
    assert f'Shall I call you "{WAITING_NAME}"?' in asked  # the name waits, in the session's context
    cipher = Cipher([TEST_KEY])
    with runtime.database.engine.connect() as connection:
        seen = {}
        for table, _key, columns in ENCRYPTED:
            for column in columns:
                values = raw_values(connection, table.name, column)
                seen[f"{table.name}.{column}"] = len(values)
                for value in values:
                    assert isinstance(value, str) and value.startswith("gAAAA"), f"{table.name}.{column} holds {value!r}"
                    cipher.decrypt(value)  # a token of this key, not just something that looks like one
        questions = [cipher.decrypt(v) for v in raw_values(connection, "journal_entries", "question")]
        contexts = [cipher.decrypt(v) for v in raw_values(connection, "dialogue_sessions", "context")]
    for column in ("persons.name", "persons.child_name", "journal_entries.text", "journal_entries.question", "dialogue_sessions.context"):
        assert seen[column], f"nothing in {column} to check"
    assert any(q.startswith("What tells you a hard time") for q in questions)  # the question as they saw it, encrypted
    assert any(WAITING_NAME in c for c in contexts), "the waiting name is in an encrypted context"


def walk_a_long_dialogue(person: Person) -> None:
    """Onboarding, then meeting_younger_self for 20 steps: the first button, or words."""
    person.onboard()
    person.say("/start meeting_younger_self")
    for _ in range(20):
        person.say("1" if person.buttons and person.buttons[0] != "Pause for now" else "it was a quiet afternoon")


def test_a_sessions_trail_holds_at_most_8_step_names(runtime) -> None:
    person = Person(runtime.companion)
    person.onboard()
    person.say("/start meeting_younger_self")
    cipher = Cipher([TEST_KEY])
    longest = 0
    for _ in range(20):
        person.say("1" if person.buttons and person.buttons[0] != "Pause for now" else "it was a quiet afternoon")
        with runtime.database.engine.connect() as connection:
            for value in raw_values(connection, "dialogue_sessions", "context"):
                trail = json.loads(cipher.decrypt(value)).get("trail") or []
                assert len(trail) <= TRAIL
                longest = max(longest, len(trail))
    assert TRAIL == 8 and longest == TRAIL, "the walk reached the limit, and the trail stopped there"


def test_delete_drops_the_words_held_in_memory_at_once(companion) -> None:
    person = Person(companion)
    person.onboard()
    person.say("honestly i just want to")
    now = companion.clock()
    assert companion.recent_texts.previous("console:sam", now)[-1] == "honestly i just want to"
    person.say("/delete")
    assert "Everything is erased" in person.say(str(person.buttons.index("Yes, delete everything") + 1))
    assert companion.recent_texts.previous("console:sam", now) == ()
    assert len(companion.recent_texts) == 0


def rows_naming(connection, person_id: int, user_id: int) -> list[str]:
    """Every row of every table that holds the person's row id in a person_id column, or
    their Telegram id (as a number, or in ``tg:<id>``) in any column."""
    found = []
    for table in inspect(connection).get_table_names():
        columns = [c["name"] for c in inspect(connection).get_columns(table)]
        for row in connection.execute(text(f'SELECT * FROM "{table}"')):
            values = dict(zip(columns, row))
            if values.get("person_id") == person_id:
                found.append(f"{table}: person_id")
            for column, value in values.items():
                if value == user_id or (isinstance(value, str) and f"tg:{user_id}" in value):
                    found.append(f"{table}.{column}")
    return found


def test_on_telegram_media_are_not_downloaded_and_delete_leaves_no_row_that_names_them(db_url, clock, tmp_path) -> None:
    from bot.checkins.scheduler import Housekeeping

    me = 5550101
    runtime = build_runtime(db_url, clock, tmp_path, telegram_token="123:ABC", message_pause=0)
    try:
        person = Person(runtime.companion)  # their journal, written as on Telegram
        person.chat.user = f"tg:{me}"
        person.chat.run([])
        person.onboard()
        person.say("/start safety_plan", "1", "When I stop answering messages")
        with runtime.database.read() as repo:
            person_id = repo.find_person(f"tg:{me}").id

        async def scenario() -> list[str]:
            async with Harness(runtime, pause=0.01) as bot:  # a chat budget, as in production
                await bot.feed(message(me, **PHOTO), message(me, **VOICE), message(me, **DOCUMENT))
                assert bot.request.of("getFile") == [], "nothing a person sends is downloaded"
                await bot.feed(message(me, "/delete"))
                keyboard = bot.request.of("sendMessage", me)[-1].params["reply_markup"]["inline_keyboard"]
                (yes,) = [button["callback_data"] for row in keyboard for button in row if button["text"] == "Yes, delete everything"]
                await bot.feed(press(me, yes))
                return bot.request.sent_texts(me)

        sent = asyncio.run(scenario())
        assert "Everything is erased" in sent[-1]
        with runtime.database.engine.connect() as connection:
            assert rows_naming(connection, person_id, me) == ["send_budget.chat_id"], "only the budget's chat row is left"
        with runtime.database.transaction() as repo:  # a minute later, as the database's clock sees it
            repo.session.execute(text("UPDATE send_budget SET next_at = next_at - 120 WHERE chat_id = :me"), {"me": me})

        async def deliver(user, replies) -> bool:
            return True

        asyncio.run(Housekeeping(runtime.companion, deliver, notice_days=7, pacer=_NoPacer()).run())
        with runtime.database.engine.connect() as connection:
            assert rows_naming(connection, person_id, me) == []
            assert connection.execute(text("SELECT count(*) FROM send_budget WHERE chat_id = 0")).scalar() == 1  # the bot's own row stays
    finally:
        runtime.database.dispose()


class _NoPacer:
    async def wait(self, messages: int) -> None:
        return None
