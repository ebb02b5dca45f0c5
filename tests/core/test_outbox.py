"""The outbox on each backend: replies kept with their turn, claimed by one process at a time,
marked per message, deferred by a 429, taken over when a sender's lease runs out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.domain import Button, Document, Reply
from bot.storage import Outbox
from bot.storage.outbox import LEASE


def stored(runtime, user: str, *replies: Reply) -> None:
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person(user, runtime.companion.clock())
        from bot.storage import outbox

        outbox.keep(repo, person, list(replies), runtime.companion.clock())


def test_claim_mark_and_forget_in_order(runtime, clock) -> None:
    one, two = Outbox(runtime.database, "one"), Outbox(runtime.database, "two")
    document = Document("journal.txt", b"\x00bytes")
    stored(runtime, "tg:1", Reply("first", (Button("Go", "d:1:0"),), expects_text=True), Reply("second", document=document))
    claimed = one.claim("tg:1", clock())
    assert [w.reply.text for w in claimed] == ["first", "second"]
    assert claimed[0].reply.buttons == (Button("Go", "d:1:0"),) and claimed[0].reply.expects_text
    assert claimed[1].reply.document == document
    assert two.claim("tg:1", clock()) == []  # one process at a time
    one.progress(claimed[0].id, 1, clock())
    one.sent(claimed[0].id, clock())
    assert [w.reply.text for w in one.claim("tg:1", clock())] == ["second"]
    one.sent(claimed[1].id, clock())
    assert one.count() == 0


def test_a_dead_senders_lease_runs_out(runtime, clock) -> None:
    one, two = Outbox(runtime.database, "one"), Outbox(runtime.database, "two")
    stored(runtime, "tg:2", Reply("hello"))
    (bubble,) = one.claim("tg:2", clock())
    one.progress(bubble.id, 1, clock())  # then the process dies
    assert two.claim("tg:2", clock()) == []
    assert two.waiting_people(clock(), older_than=timedelta(0)) == []
    later = clock() + LEASE + timedelta(seconds=1)
    assert two.waiting_people(later, older_than=timedelta(0)) == ["tg:2"]
    (taken,) = two.claim("tg:2", later)
    assert taken.parts_sent == 1  # what the dead one sent is not sent again


def test_a_429_defers_only_that_person(runtime, clock) -> None:
    box = Outbox(runtime.database, "one")
    stored(runtime, "tg:3", Reply("wait"))
    stored(runtime, "tg:4", Reply("go"))
    box.claim("tg:3", clock())
    box.defer("tg:3", clock() + timedelta(seconds=5))
    assert box.claim("tg:3", clock()) == []
    assert [w.reply.text for w in box.claim("tg:4", clock())] == ["go"]
    assert [w.reply.text for w in box.claim("tg:3", clock() + timedelta(seconds=6))] == ["wait"]


def test_the_text_is_encrypted_and_goes_with_the_person(runtime) -> None:
    stored(runtime, "tg:5", Reply("a private sentence"))
    with runtime.database.engine.connect() as connection:
        raw = connection.execute(text("select reply from outbox")).scalar()
    assert "private" not in raw
    with runtime.database.transaction() as repo:  # as /delete does
        repo.delete_person(repo.find_person("tg:5"))
    assert Outbox(runtime.database, "x").count() == 0


def test_a_picture_is_kept_whole_and_private(runtime, clock) -> None:
    from bot.domain import Picture
    from bot.storage.outbox import decode, encode

    picture = Picture(b"\x89PNG\r\n\x1a\n\x00\xffbytes", "<b>Your week</b> of moods", "mood_chart")
    reply = Reply("before", (Button("12 weeks", "c:mood 12"),), Document("a.txt", b"x"), picture=picture)
    assert decode(encode(reply)) == reply
    assert decode(encode(Reply("plain"))).picture is None
    stored(runtime, "tg:6", reply)
    with runtime.database.engine.connect() as connection:
        raw = " ".join(connection.execute(text("select reply from outbox")).scalars())
    assert raw and "moods" not in raw and "mood_chart" not in raw
    (claimed,) = Outbox(runtime.database, "one").claim("tg:6", clock())
    assert claimed.reply == reply
