"""The journal's question column (migration 0006) on each backend: added empty beside the
entries made before it, encrypted like the text, re-encrypted by key rotation, and gone
with its entry."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Text, inspect, insert, select, type_coerce

from bot.storage import Cipher, new_key, use_cipher
from bot.storage.database import Database, _alembic_config
from bot.storage.models import JournalEntry, Person
from bot.storage.rotate import rotate_all
from bot.storage.types import utcnow
from tests.conftest import TEST_KEY

QUESTION = "Looking back at it now, Sam, roughly how old did you feel?"


def migrate(database: Database, revision: str, *, down: bool = False) -> None:
    with database.engine.begin() as connection:
        config = _alembic_config(database.url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def journal_columns(database: Database) -> dict[str, dict]:
    with database.engine.connect() as connection:
        return {c["name"]: c for c in inspect(connection).get_columns("journal_entries")}


def raw_questions(database: Database) -> list[str | None]:
    """The stored tokens, not decrypted."""
    with database.engine.connect() as connection:
        query = select(type_coerce(JournalEntry.__table__.c.question, Text)).order_by(JournalEntry.__table__.c.id)
        return list(connection.execute(query).scalars())


def test_0006_adds_an_empty_question_beside_older_entries_and_goes_back_down(db_url) -> None:
    database = Database(db_url)
    try:
        migrate(database, "0005")
        assert "question" not in journal_columns(database)
        now = utcnow()
        with database.engine.begin() as connection:  # an entry as 0005 kept it (no question column)
            person = connection.execute(
                insert(Person.__table__).values(external_id="console:sam", created_at=now, last_seen_at=now, active=True, recent_safety=[])
            ).inserted_primary_key[0]
            connection.execute(
                insert(JournalEntry.__table__).values(person_id=person, dialogue_id="noticing_patterns", key="age", text="6", created_at=now)
            )
        migrate(database, "head")
        assert database.is_current()
        column = journal_columns(database)["question"]
        assert column["nullable"] and isinstance(column["type"], Text)
        with database.transaction() as repo:
            sam = repo.find_person("console:sam")
            (old,) = repo.journal(sam)
            assert (old.text, old.question) == ("6", None)  # older entries: no question, still read
            repo.add_journal(sam, "noticing_patterns", "age", "7", utcnow(), question=QUESTION)
        old_token, new_token = raw_questions(database)
        assert old_token is None and new_token is not None
        assert "Sam" not in new_token and Cipher([TEST_KEY]).decrypt(new_token) == QUESTION
        migrate(database, "0005", down=True)
        assert "question" not in journal_columns(database)
        with database.engine.connect() as connection:
            assert connection.execute(select(JournalEntry.__table__.c.key)).scalars().all() == ["age", "age"]  # the entries stay
        migrate(database, "head")
        assert "question" in journal_columns(database)
    finally:
        database.dispose()


def test_rotation_re_encrypts_the_question_too(db_url) -> None:
    database = Database(db_url)
    try:
        database.upgrade()
        with database.transaction() as repo:
            person, _ = repo.get_or_create_person("console:sam", utcnow())
            repo.add_journal(person, "noticing_patterns", "age", "6", utcnow(), question=QUESTION)
            repo.add_journal(person, "noticing_patterns", "age", "5", utcnow())  # an older entry: no question
        before = raw_questions(database)
        fresh = new_key()
        use_cipher(Cipher([fresh, TEST_KEY]))
        assert rotate_all(database) == 3  # two texts and one question
        after = raw_questions(database)
        assert after[1] is None and after[0] != before[0]
        assert Cipher([fresh]).decrypt(after[0]) == QUESTION
        use_cipher(Cipher([fresh]))  # the old key is gone
        with database.transaction() as repo:
            shown = [(e.text, e.question) for e in repo.journal(repo.find_person("console:sam"))]
        assert sorted(shown, key=lambda pair: pair[0]) == [("5", None), ("6", QUESTION)]
    finally:
        database.dispose()


def test_deleting_a_person_takes_their_questions_with_their_entries(db_url) -> None:
    database = Database(db_url)
    try:
        database.upgrade()
        with database.transaction() as repo:
            sam, _ = repo.get_or_create_person("console:sam", utcnow())
            alex, _ = repo.get_or_create_person("console:alex", utcnow())
            repo.add_journal(sam, "noticing_patterns", "age", "6", utcnow(), question=QUESTION)
            repo.add_journal(alex, "noticing_patterns", "age", "9", utcnow(), question="How old did you feel?")
        with database.transaction() as repo:
            repo.delete_person(repo.find_person("console:sam"))
        tokens = [t for t in raw_questions(database) if t is not None]
        assert [Cipher([TEST_KEY]).decrypt(t) for t in tokens] == ["How old did you feel?"]
    finally:
        database.dispose()
