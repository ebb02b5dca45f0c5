"""The key check (#12): a start whose key cannot read the database stops with one line, and
every database but the embedded SQLite default takes its key from INNERCHILD_ENCRYPTION_KEY."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import StartupError, build
from bot.config import Settings
from bot.storage import Cipher, Database, new_key, use_cipher
from bot.storage import checkins as store
from bot.storage.keycheck import KEY_CHECK, PLAINTEXT
from bot.storage.models import OutboxBubble
from bot.storage.rotate import rotate_all
from bot.storage.types import utcnow
from tests.conftest import ROOT, TEST_KEY, build_runtime
from tests.storage.test_encrypted_moods import MOODS, at_0006_with_moods, raw_moods, version
from tests.test_cli import ONBOARD, innerchild

WRONG_KEY_LINE = (
    "INNERCHILD_ENCRYPTION_KEY cannot read this database (it was encrypted with another key): "
    "set the key this database was created with; to change keys, list the new key first and the old one after it, "
    "then run `innerchild keys rotate`"
)
NO_KEY_LINE = "set INNERCHILD_ENCRYPTION_KEY (the same on every process): a key file is only for the embedded SQLite default"
NOWHERE = "postgresql+psycopg://nobody@127.0.0.1:9/innerchild?connect_timeout=2"  # nothing listens


def settings(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = dict(data_dir=tmp_path / "data", dialogues_dir=ROOT / "dialogues", _env_file=None)
    base.update(values)
    return Settings(**base)


def start(db_url: str, clock, tmp_path: Path, key: str) -> None:
    """Start and stop, as a process would."""
    build_runtime(db_url, clock, tmp_path, encryption_key=key).database.dispose()


def stored_check(runtime) -> str | None:
    with runtime.database.engine.connect() as connection:
        return connection.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": KEY_CHECK}).scalar_one_or_none()


def confide(runtime, words: str = "the words only I know") -> None:
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person("console:sam", utcnow())
        person.name = "Sam"
        repo.add_journal(person, "journaling", "today", words, utcnow())


def forget_check(runtime) -> None:
    """As a database made before the key check existed."""
    with runtime.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM meta"))


def test_the_first_start_writes_the_check_and_a_restart_with_the_key_reads_it(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        token = stored_check(runtime)
        assert token is not None and PLAINTEXT not in token
        assert Cipher([TEST_KEY]).decrypt(token) == PLAINTEXT
        confide(runtime)
    finally:
        runtime.database.dispose()
    again = build_runtime(db_url, clock, tmp_path)
    try:
        assert stored_check(again) == token  # read, not rewritten
    finally:
        again.database.dispose()


def test_another_key_stops_the_start_with_one_line(db_url, clock, tmp_path) -> None:
    start(db_url, clock, tmp_path, TEST_KEY)
    with pytest.raises(StartupError) as raised:
        start(db_url, clock, tmp_path, new_key())
    assert str(raised.value) == WRONG_KEY_LINE


def test_a_rotated_key_passes_the_check_and_the_old_key_alone_no_longer_does(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    confide(runtime)
    runtime.database.dispose()
    fresh = new_key()
    both = build_runtime(db_url, clock, tmp_path, encryption_key=f"{fresh},{TEST_KEY}")
    assert rotate_all(both.database) > 0
    both.database.dispose()
    only_new = build_runtime(db_url, clock, tmp_path, encryption_key=fresh)
    try:
        with only_new.database.transaction() as repo:
            person = repo.find_person("console:sam")
            assert person is not None and person.name == "Sam"
            assert [e.text for e in repo.journal(person)] == ["the words only I know"]
    finally:
        only_new.database.dispose()
    with pytest.raises(StartupError) as raised:
        start(db_url, clock, tmp_path, TEST_KEY)  # the check too was re-encrypted under the new key
    assert str(raised.value) == WRONG_KEY_LINE


def test_rotation_re_encrypts_waiting_outbox_replies(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    try:
        with runtime.database.transaction() as repo:
            person, _ = repo.get_or_create_person("tg:1", utcnow())
            repo.session.add(OutboxBubble(person_id=person.id, reply={"text": "a reply with Sam's words"}))
        fresh = new_key()
        use_cipher(Cipher([fresh, TEST_KEY]))
        rotate_all(runtime.database)
        use_cipher(Cipher([fresh]))
        with runtime.database.transaction() as repo:
            assert [b.reply for b in repo.session.query(OutboxBubble)] == [{"text": "a reply with Sam's words"}]
    finally:
        runtime.database.dispose()


def test_a_database_from_before_the_check_gets_it_only_if_the_key_reads_its_data(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    confide(runtime)
    forget_check(runtime)
    runtime.database.dispose()
    with pytest.raises(StartupError) as raised:
        start(db_url, clock, tmp_path, new_key())
    assert str(raised.value) == WRONG_KEY_LINE
    again = build_runtime(db_url, clock, tmp_path)  # the key it was made with
    try:
        assert Cipher([TEST_KEY]).decrypt(stored_check(again)) == PLAINTEXT
    finally:
        again.database.dispose()


def test_a_database_from_before_the_check_with_only_moods_encrypted_is_checked_by_them(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    with runtime.database.transaction() as repo:  # no name, no journal: a mood is all it holds
        person, _ = repo.get_or_create_person("tg:1", utcnow())
        store.add_mood(repo, person, 2, utcnow())
    forget_check(runtime)
    runtime.database.dispose()
    with pytest.raises(StartupError) as raised:
        start(db_url, clock, tmp_path, new_key())
    assert str(raised.value) == WRONG_KEY_LINE


def test_a_start_with_another_key_does_not_encrypt_the_moods_of_a_database_at_0006(db_url, clock, tmp_path) -> None:
    database = Database(db_url)
    at_0006_with_moods(database)
    with pytest.raises(StartupError) as raised:
        start(db_url, clock, tmp_path, new_key())  # migrating first, 0007 refuses the key
    assert str(raised.value) == WRONG_KEY_LINE
    assert version(database) == "0006" and raw_moods(database) == [str(m) for m in MOODS]
    start(db_url, clock, tmp_path, TEST_KEY)
    assert [int(Cipher([TEST_KEY]).decrypt(t)) for t in raw_moods(database)] == MOODS
    database.dispose()


def test_a_database_from_before_the_check_with_nothing_encrypted_gets_the_check(db_url, clock, tmp_path) -> None:
    runtime = build_runtime(db_url, clock, tmp_path)
    forget_check(runtime)
    runtime.database.dispose()
    other = new_key()
    again = build_runtime(db_url, clock, tmp_path, encryption_key=other)
    try:
        assert Cipher([other]).decrypt(stored_check(again)) == PLAINTEXT
    finally:
        again.database.dispose()


def test_postgresql_without_a_key_stops_before_connecting_and_makes_no_key_file(tmp_path) -> None:
    with pytest.raises(StartupError) as raised:
        build(settings(tmp_path, database_url=NOWHERE, encryption_key=""))
    assert str(raised.value) == NO_KEY_LINE
    assert not (tmp_path / "data" / "secret.key").exists()


def test_an_old_key_file_is_named_when_a_shared_database_has_no_key(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret.key").write_text(new_key() + "\n")
    with pytest.raises(StartupError) as raised:
        build(settings(tmp_path, database_url=NOWHERE, encryption_key=""))
    assert str(raised.value) == f"{NO_KEY_LINE} (this host's key file {tmp_path / 'data' / 'secret.key'} may hold the key this database was created with)"


def test_only_the_embedded_default_counts_as_embedded(tmp_path) -> None:
    data = tmp_path / "data"
    assert settings(tmp_path).embedded_database
    assert settings(tmp_path, database_url=f"sqlite:///{data / 'innerchild.db'}").embedded_database
    assert not settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'elsewhere.db'}").embedded_database
    assert not settings(tmp_path, database_url="sqlite:///:memory:").embedded_database
    assert not settings(tmp_path, database_url=NOWHERE).embedded_database


def test_the_embedded_default_uses_its_key_file_and_names_it_when_it_cannot_read(tmp_path) -> None:
    runtime = build(settings(tmp_path, encryption_key=""))
    runtime.database.dispose()
    key_file = tmp_path / "data" / "secret.key"
    assert key_file.exists() and (tmp_path / "data" / "innerchild.db").exists()
    build(settings(tmp_path, encryption_key="")).database.dispose()  # the same key file: fine
    key_file.write_text(new_key() + "\n")  # as if the key file were lost and another made
    with pytest.raises(StartupError) as raised:
        build(settings(tmp_path, encryption_key=""))
    assert str(raised.value) == (
        f"the key file {key_file} cannot read this database (it was encrypted with another key): "
        "restore the key file this database was created with, or set INNERCHILD_ENCRYPTION_KEY to that key"
    )


def test_another_sqlite_file_without_a_key_stops_with_the_line(tmp_path) -> None:
    with pytest.raises(StartupError) as raised:
        build(settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'elsewhere.db'}", encryption_key=""))
    assert str(raised.value) == NO_KEY_LINE


# -- the command line: one line on stderr, exit status 2, never a traceback ----------------------
def test_the_console_with_another_key_shows_the_line_and_exits_2(tmp_path) -> None:
    first = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="1\n")
    assert first.returncode == 0, first.stderr
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="1\n", INNERCHILD_ENCRYPTION_KEY=new_key())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"innerchild: {WRONG_KEY_LINE}\n"


def test_the_console_on_postgresql_without_a_key_shows_the_line_and_exits_2(tmp_path) -> None:
    result = innerchild("chat", tmp_path=tmp_path, INNERCHILD_DATABASE_URL=NOWHERE, INNERCHILD_ENCRYPTION_KEY="")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"innerchild: {NO_KEY_LINE}\n"


def test_keys_rotate_on_the_command_line_then_the_new_key_alone(tmp_path) -> None:
    assert innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD).returncode == 0
    fresh = new_key()
    rotated = innerchild("keys", "rotate", tmp_path=tmp_path, INNERCHILD_ENCRYPTION_KEY=f"{fresh},{TEST_KEY}")
    assert rotated.returncode == 0, rotated.stderr
    after = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="", INNERCHILD_ENCRYPTION_KEY=fresh)
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("Welcome back, Sam.")
    old = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin="", INNERCHILD_ENCRYPTION_KEY=TEST_KEY)
    assert old.returncode == 2 and old.stderr == f"innerchild: {WRONG_KEY_LINE}\n"


def test_db_upgrade_encrypts_moods_with_the_key_and_stops_without_one(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"  # the file innerchild() names
    database = Database(url)
    at_0006_with_moods(database)
    database.dispose()
    missing = innerchild("db", "upgrade", tmp_path=tmp_path, INNERCHILD_ENCRYPTION_KEY="")
    assert missing.returncode == 2 and missing.stderr == f"innerchild: {NO_KEY_LINE}\n"
    wrong = innerchild("db", "upgrade", tmp_path=tmp_path, INNERCHILD_ENCRYPTION_KEY=new_key())
    assert wrong.returncode == 2 and wrong.stderr == f"innerchild: {WRONG_KEY_LINE}\n"
    assert raw_moods(database) == [str(m) for m in MOODS]
    upgraded = innerchild("db", "upgrade", tmp_path=tmp_path)
    assert upgraded.returncode == 0 and "up to date" in upgraded.stdout, upgraded.stderr
    assert [int(Cipher([TEST_KEY]).decrypt(t)) for t in raw_moods(database)] == MOODS
    database.dispose()


def test_rotation_beside_a_running_companion_loses_nothing_it_writes(db_url, clock, tmp_path) -> None:
    """``keys rotate`` while turns go on: an answer a turn changes after the rotation read it
    is rotated as it is now, never overwritten with the rotation of what was there before. On
    PostgreSQL the turn's write lands between the rotation's read and its update; on SQLite
    the rotation holds the write lock from its first statement, so no write can land there."""
    from sqlalchemy import event

    from bot.storage.crypto import active_cipher

    runtime = build_runtime(db_url, clock, tmp_path)
    confide(runtime, "what I wrote first")
    fresh = new_key()
    use_cipher(Cipher([fresh, TEST_KEY]))
    written: list[str] = []

    def a_turn_writes(connection, _cursor, statement: str, *_args) -> None:
        if written or not statement.startswith('UPDATE "journal_entries"'):
            return
        if runtime.database.is_sqlite:
            from tests.storage.test_one_writer import assert_write_locked

            assert_write_locked(runtime.database.engine.url.database)
            written.append("locked")
            return
        with runtime.database.engine.connect() as other:  # another process's turn, committed at once
            other.execute(text("UPDATE journal_entries SET text = :t"), {"t": active_cipher().encrypt("what I wrote meanwhile")})
            other.commit()
        written.append("meanwhile")

    event.listen(runtime.database.engine, "before_cursor_execute", a_turn_writes)
    try:
        assert rotate_all(runtime.database) > 0
    finally:
        event.remove(runtime.database.engine, "before_cursor_execute", a_turn_writes)
    assert written
    use_cipher(Cipher([fresh]))  # the old key dropped
    try:
        with runtime.database.transaction() as repo:
            (entry,) = repo.journal(repo.find_person("console:sam"))
            assert entry.text == ("what I wrote first" if runtime.database.is_sqlite else "what I wrote meanwhile")
    finally:
        runtime.database.dispose()
