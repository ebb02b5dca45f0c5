"""What people confide stays theirs: encrypted at rest, never logged, exportable, erasable."""

from __future__ import annotations

import json
import stat
import logging
from pathlib import Path

from sqlalchemy import inspect, text

from bot.domain import Event, EventKind
from tests.console.helpers import Person

SECRET_WORDS = ["Marigold", "Pemberton", "lighthouse"]


def confide(person: Person) -> None:
    person.onboard()
    person.say("/start safety_plan", "1")
    person.say(f"When I think about {SECRET_WORDS[0]} I stop sleeping")
    person.say(f"Calling {SECRET_WORDS[1]}")
    person.say("I want to kill myself tonight")  # a crisis message in the middle


def all_rows(database) -> str:
    """Every value in every table, as text."""
    dump = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'select * from "{table}"')):
                dump.append(repr(tuple(row)))
    return "\n".join(dump)


def test_no_words_in_the_logs_or_in_plain_text_in_the_database(runtime, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    person = Person(runtime.companion)
    confide(person)
    person.say(f"my {SECRET_WORDS[2]} memory")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for word in SECRET_WORDS + ["kill myself", "Little Sam"]:
        assert word not in logged
    stored = all_rows(runtime.database)
    for word in SECRET_WORDS + ["kill myself", "Little Sam", "Sam'"]:
        assert word not in stored, f"{word!r} is stored in plain text"
    url = runtime.settings.database_url
    if url.startswith("sqlite"):
        raw = Path(url.removeprefix("sqlite:///")).read_bytes()
        for suffix in ("-wal",):
            wal = Path(url.removeprefix("sqlite:///") + suffix)
            if wal.exists():
                raw += wal.read_bytes()
        for word in SECRET_WORDS + ["Little Sam"]:
            assert word.encode() not in raw


def test_delete_erases_every_row_that_names_the_person(runtime) -> None:
    companion = runtime.companion
    person = Person(companion)
    confide(person)
    other = Person(companion, name="alex")
    other.onboard()
    out = person.say("/delete")
    assert "can't be undone" in out
    out = person.say(str(person.buttons.index("Yes, delete everything") + 1))
    assert "Everything is erased" in out
    with runtime.database.engine.connect() as connection:
        persons = connection.execute(text("select id, external_id from persons")).all()
        assert [p.external_id for p in persons] == ["console:alex"]
        alex_id = persons[0].id
        for table in ("dialogue_sessions", "journal_entries", "processed_updates"):
            owners = {row[0] for row in connection.execute(text(f"select person_id from {table}"))}
            assert owners <= {alex_id}, table
        # Counts survive without any link to the person.
        assert connection.execute(text("select count(*) from safety_events")).scalar() == 1
        columns = {c["name"] for c in inspect(connection).get_columns("safety_events")}
        assert "person_id" not in columns
    for word in SECRET_WORDS:
        assert word not in all_rows(runtime.database)


def test_delete_needs_confirmation(companion) -> None:
    person = Person(companion)
    confide(person)
    person.say("/delete")
    out = person.say(str(person.buttons.index("No, keep it") + 1))
    assert "Nothing was deleted" in out
    assert SECRET_WORDS[0] in person.say("/journal")


def test_export_gives_a_readable_journal_and_a_json_file(companion, tmp_path) -> None:
    person = Person(companion, export_dir=tmp_path / "export")
    confide(person)
    out = person.say("/export")
    assert "innerchild-journal.txt" in out and "innerchild-data.json" in out
    (folder,) = (tmp_path / "export").iterdir()  # a private folder of its own, for this export
    assert f"(saved innerchild-journal.txt to {folder})" in out and folder.name.startswith("console_sam-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in folder.iterdir()} == {0o600}
    journal = (folder / "innerchild-journal.txt").read_text()
    assert "YOUR SAFETY PLAN" in journal and SECRET_WORDS[0] in journal and SECRET_WORDS[1] in journal
    data = json.loads((folder / "innerchild-data.json").read_text())
    assert data["profile"]["name"] == "Sam" and data["profile"]["inner_child_name"] == "Little Sam"
    assert data["profile"]["country"] == "GB" and data["profile"]["last_safety_level"] == "crisis"
    assert {e["key"] for e in data["journal"]} == {"plan_signs", "plan_helps"}  # the crisis message is never kept as an answer
    assert any(s["dialogue"] == "safety_plan" for s in data["dialogue_sessions"])
    person.say("/export")
    assert len(list((tmp_path / "export").iterdir())) == 2, "a second export never overwrites the first"
    person.say("/delete")
    assert "Everything is erased" in person.say(str(person.buttons.index("Yes, delete everything") + 1))
    assert not list((tmp_path / "export").iterdir()), "/delete takes the exports made in the chat too"


def test_mydata_says_what_is_kept_in_plain_words(companion) -> None:
    person = Person(companion)
    confide(person)
    out = person.say("/mydata")
    assert "What I keep about you" in out and "2 entries" in out and "only counts" in out


def test_stats_only_for_operators_and_only_counts(tmp_path, clock, db_url) -> None:
    from tests.conftest import build_runtime

    runtime = build_runtime(db_url, clock, tmp_path, admin_ids="1001")
    try:
        companion = runtime.companion
        confide(Person(companion, name="sam"))
        stranger = companion.handle(Event("tg:2002", EventKind.COMMAND, text="/stats"))
        assert "I don't know that command" in stranger.replies[0].text
        admin = companion.handle(Event("tg:1001", EventKind.COMMAND, text="/stats"))
        shown = admin.replies[0].text
        assert "Safety referrals: crisis 1" in shown and "Dialogues started" in shown
        for word in SECRET_WORDS:
            assert word not in shown
    finally:
        runtime.database.dispose()


def test_key_rotation_keeps_every_word(runtime) -> None:
    from bot.storage import Cipher, new_key, use_cipher
    from bot.storage.rotate import rotate_all
    from tests.conftest import TEST_KEY

    person = Person(runtime.companion)
    confide(person)
    fresh = new_key()
    use_cipher(Cipher([fresh, TEST_KEY]))
    assert rotate_all(runtime.database) > 0
    use_cipher(Cipher([fresh]))  # the old key is gone
    assert SECRET_WORDS[0] in person.say("/journal")


def start(companion, user: str) -> None:
    companion.handle(Event(user, EventKind.COMMAND, text="/start"))


def test_retention_deletes_only_after_a_delivered_notice(tmp_path, clock, db_url) -> None:
    from bot.retention import delivered, sweep
    from tests.conftest import build_runtime

    runtime = build_runtime(db_url, clock, tmp_path, retention_days=30)
    try:
        companion = runtime.companion
        start(companion, "tg:1")
        start(companion, "tg:2")
        clock.advance(days=20)
        start(companion, "tg:2")  # tg:2 stays active
        clock.advance(days=2)  # tg:1: 22 days away, notice due at 30 - 7 = 23
        assert sweep(companion, clock.now, notice_days=7).notices == []
        clock.advance(days=2)  # tg:1: 24 days away -> notice
        result = sweep(companion, clock.now, notice_days=7)
        assert [user for user, _ in result.notices] == ["tg:1"] and result.deleted == 0
        assert "will be deleted in 7 days" in result.notices[0][1][0].text
        assert sweep(companion, clock.now, notice_days=7).notices == []  # only once
        clock.advance(days=8)  # 32 days away, but the notice never reached them: kept
        result = sweep(companion, clock.now, notice_days=7)
        assert (result.deleted, result.deleted_unreached, result.waiting) == (0, 0, 1)
        delivered(companion, "tg:1", clock.now)  # now it did: 7 days more
        clock.advance(days=6)
        assert sweep(companion, clock.now, notice_days=7).deleted == 0
        clock.advance(days=1)
        assert sweep(companion, clock.now, notice_days=7).deleted == 1
        with runtime.database.engine.connect() as connection:
            assert [r[0] for r in connection.execute(text("select external_id from persons"))] == ["tg:2"]
    finally:
        runtime.database.dispose()


def test_people_no_notice_can_reach_go_after_the_longer_period(tmp_path, clock, db_url) -> None:
    from bot.retention import sweep
    from tests.conftest import build_runtime

    runtime = build_runtime(db_url, clock, tmp_path, retention_days=30)
    try:
        companion = runtime.companion
        confide(Person(companion, name="sam"))  # the console: nothing can write to them first
        start(companion, "tg:3")
        companion.mark_unreachable("tg:3")  # blocked the bot
        clock.advance(days=59)
        result = sweep(companion, clock.now, notice_days=7)
        assert result.notices == [] and result.unreachable == 2 and result.deleted_unreached == 0
        clock.advance(days=1, minutes=1)  # twice the retention days
        result = sweep(companion, clock.now, notice_days=7)
        assert (result.deleted, result.deleted_unreached) == (0, 2)
        assert sweep(companion, clock.now, notice_days=7, unreached_days=90).deleted_unreached == 0  # nobody left
    finally:
        runtime.database.dispose()


def test_a_message_cancels_the_retention_notice(tmp_path, clock, sqlite_url) -> None:
    from bot.retention import delivered, sweep
    from tests.conftest import build_runtime

    runtime = build_runtime(sqlite_url, clock, tmp_path, retention_days=30)
    try:
        start(runtime.companion, "tg:1")
        clock.advance(days=24)
        assert sweep(runtime.companion, clock.now, notice_days=7).notices
        delivered(runtime.companion, "tg:1", clock.now)
        runtime.companion.handle(Event("tg:1", EventKind.COMMAND, text="/journal"))
        delivered(runtime.companion, "tg:1", clock.now)  # late: the turn cancelled it
        clock.advance(days=8)
        assert sweep(runtime.companion, clock.now, notice_days=7).deleted == 0
    finally:
        runtime.database.dispose()


def test_processed_update_ids_are_forgotten_after_a_week(runtime, clock) -> None:
    from bot.retention import prune_processed_updates

    companion = runtime.companion
    companion.handle(Event("tg:7", EventKind.COMMAND, text="/start", update_key="tg:1"))
    clock.advance(days=3)
    assert prune_processed_updates(companion, clock.now) == 0
    clock.advance(days=5)
    assert prune_processed_updates(companion, clock.now) == 1


def test_the_journal_document_reads_as_it_always_has(runtime, clock) -> None:
    """Its headings come from texts.yaml now; the document is the same."""
    from bot.privacy import export_documents

    Person(runtime.companion).onboard()
    with runtime.database.transaction() as repo:
        person = repo.find_person("console:sam")
        (journal, _data) = export_documents(repo, person, runtime.library, clock(), runtime.features.export_sections)
    lines = journal.content.decode("utf-8").splitlines()
    assert lines[0] == "Inner Child Companion: your journal"
    assert lines[1] == f"Exported {clock():%d %B %Y, %H:%M} UTC"
    assert lines[3:5] == ["YOUR JOURNAL", "============"]
