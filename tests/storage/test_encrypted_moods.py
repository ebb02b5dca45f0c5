"""Check-in moods encrypted at rest (migration 0007) on each backend: a token in the row, never
the number; a database at 0006 keeps its moods through the upgrade and back down; the
migration needs the key and refuses one that cannot read the database; rotation includes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import Integer, Text, column, inspect, select, table, text

from bot.storage import Cipher, KeyError_, KeyMismatch, crypto, new_key, use_cipher
from bot.storage import checkins as store
from bot.storage.database import Database, _alembic_config
from bot.storage.keycheck import KEY_CHECK, PLAINTEXT
from bot.storage.rotate import rotate_all
from bot.storage.types import utcnow
from tests.conftest import TEST_KEY

MOODS = [3, 1, 5, 2]
# The table as 0006 left it (a plain number), written and read without the models' types.
PLAIN_MOODS = table("checkin_moods", column("id", Integer), column("person_id", Integer), column("mood", Integer), column("created_at"))


def migrate(database: Database, revision: str, *, down: bool = False) -> None:
    with database.engine.begin() as connection:
        config = _alembic_config(database.url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def raw_moods(database: Database) -> list[str]:
    """The stored values as the database holds them, not decrypted."""
    with database.engine.connect() as connection:
        return [str(v) for v in connection.execute(text("SELECT mood FROM checkin_moods ORDER BY id")).scalars()]


def mood_column(database: Database) -> dict:
    with database.engine.connect() as connection:
        return {c["name"]: c for c in inspect(connection).get_columns("checkin_moods")}["mood"]


def version(database: Database) -> str:
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def at_0006_with_moods(database: Database, *, check_key: str | None = TEST_KEY) -> None:
    """A database as 0006 kept it, started once with ``check_key`` (its key check), holding moods."""
    migrate(database, "0006")
    now = utcnow().replace(tzinfo=None)
    with database.engine.begin() as connection:
        if check_key:
            connection.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": KEY_CHECK, "v": Cipher([check_key]).encrypt(PLAINTEXT)})
        connection.execute(
            text("INSERT INTO persons (external_id, created_at, last_seen_at, active, recent_safety) VALUES ('console:sam', :now, :now, :yes, '[]')"),
            {"now": now, "yes": True},
        )
        person = connection.execute(text("SELECT id FROM persons")).scalar_one()
        connection.execute(
            PLAIN_MOODS.insert(), [{"person_id": person, "mood": m, "created_at": now + timedelta(hours=i)} for i, m in enumerate(MOODS)]
        )


def moods_read_back(database: Database) -> list[int]:
    with database.transaction() as repo:
        return [m.mood for m in store.moods(repo, repo.find_person("console:sam"))]


def test_the_row_holds_a_token_not_the_number(db_url) -> None:
    database = Database(db_url)
    try:
        database.upgrade()
        with database.transaction() as repo:
            person, _ = repo.get_or_create_person("console:sam", utcnow())
            store.add_mood(repo, person, 3, utcnow())
        (token,) = raw_moods(database)
        assert token != "3" and token.startswith("gAAAAA")  # a Fernet token
        assert Cipher([TEST_KEY]).decrypt(token) == "3"
        assert moods_read_back(database) == [3]
    finally:
        database.dispose()


def test_0007_encrypts_the_moods_of_a_database_at_0006_and_the_downgrade_decrypts_them(db_url) -> None:
    database = Database(db_url)
    try:
        at_0006_with_moods(database)
        assert raw_moods(database) == [str(m) for m in MOODS]  # plain, before
        migrate(database, "head")
        assert database.is_current() and isinstance(mood_column(database)["type"], Text)
        tokens = raw_moods(database)
        assert all(t.startswith("gAAAAA") for t in tokens)
        assert [int(Cipher([TEST_KEY]).decrypt(t)) for t in tokens] == MOODS
        assert moods_read_back(database) == MOODS  # the same moods, in the same order
        with database.engine.connect() as connection:  # the table kept its index and its cascade
            inspector = inspect(connection)
            assert [i["name"] for i in inspector.get_indexes("checkin_moods")] == ["ix_checkin_moods_person_at"]
            (foreign,) = inspector.get_foreign_keys("checkin_moods")
            assert foreign["referred_table"] == "persons" and foreign["options"].get("ondelete") == "CASCADE"
        migrate(database, "0006", down=True)
        assert raw_moods(database) == [str(m) for m in MOODS]
        assert not isinstance(mood_column(database)["type"], Text)
        with database.engine.connect() as connection:
            assert list(connection.execute(select(PLAIN_MOODS.c.mood).order_by(PLAIN_MOODS.c.id)).scalars()) == MOODS
        migrate(database, "head")  # and up again
        assert moods_read_back(database) == MOODS
    finally:
        database.dispose()


def test_0007_runs_on_an_empty_table(db_url) -> None:
    database = Database(db_url)
    try:
        migrate(database, "0006")
        migrate(database, "head")
        assert raw_moods(database) == [] and isinstance(mood_column(database)["type"], Text)
        migrate(database, "0006", down=True)
    finally:
        database.dispose()


def test_0007_without_a_key_stops_with_one_line_and_changes_nothing(db_url, monkeypatch) -> None:
    database = Database(db_url)
    try:
        at_0006_with_moods(database)
        monkeypatch.setattr(crypto, "_active", None)
        with pytest.raises(KeyError_) as raised:
            database.upgrade()
        assert str(raised.value) == (
            "migration 0007 encrypts check-in moods and needs the encryption key: run it through `innerchild db upgrade` "
            "or a start, with INNERCHILD_ENCRYPTION_KEY set (or the embedded default's key file)"
        )
        assert version(database) == "0006" and raw_moods(database) == [str(m) for m in MOODS]
    finally:
        database.dispose()


@pytest.mark.parametrize("checked", [True, False], ids=["key check", "before the key check"])
def test_0007_refuses_a_key_that_cannot_read_the_database(db_url, checked) -> None:
    database = Database(db_url)
    try:
        at_0006_with_moods(database, check_key=TEST_KEY if checked else None)
        if not checked:  # an older database: the key is proved by what it already holds
            with database.engine.begin() as connection:
                connection.execute(text("UPDATE persons SET name = :token"), {"token": Cipher([TEST_KEY]).encrypt("Sam")})
        use_cipher(Cipher([new_key()]))
        with pytest.raises(KeyMismatch) as raised:
            database.upgrade()
        assert "\n" not in str(raised.value) and "cannot read this database" in str(raised.value)
        assert version(database) == "0006" and raw_moods(database) == [str(m) for m in MOODS]
        use_cipher(Cipher([new_key(), TEST_KEY]))  # a new key first, the database's after it: fine
        database.upgrade()
        assert moods_read_back(database) == MOODS
    finally:
        database.dispose()


def test_rotation_re_encrypts_the_moods_and_the_old_key_can_go(db_url) -> None:
    database = Database(db_url)
    try:
        database.upgrade()
        with database.transaction() as repo:
            person, _ = repo.get_or_create_person("console:sam", utcnow())
            for i, mood in enumerate(MOODS):
                store.add_mood(repo, person, mood, utcnow() + timedelta(minutes=i))
        before = raw_moods(database)
        fresh = new_key()
        use_cipher(Cipher([fresh, TEST_KEY]))
        assert rotate_all(database) == len(MOODS)
        after = raw_moods(database)
        assert all(a != b for a, b in zip(before, after))
        assert [int(Cipher([fresh]).decrypt(t)) for t in after] == MOODS
        use_cipher(Cipher([fresh]))  # the old key is gone
        assert moods_read_back(database) == MOODS
    finally:
        database.dispose()


def test_deleting_a_person_takes_their_moods(db_url) -> None:
    database = Database(db_url)
    try:
        database.upgrade()
        with database.transaction() as repo:
            sam, _ = repo.get_or_create_person("console:sam", utcnow())
            alex, _ = repo.get_or_create_person("console:alex", utcnow())
            store.add_mood(repo, sam, 2, utcnow())
            store.add_mood(repo, alex, 4, utcnow())
            alex_id = alex.id
        with database.transaction() as repo:
            repo.delete_person(repo.find_person("console:sam"))
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT person_id FROM checkin_moods")).scalars().all() == [alex_id]
    finally:
        database.dispose()
