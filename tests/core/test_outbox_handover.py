"""A turn's replies are stored claimed by the process that sends them and handed over, so
the sending needs no claim of its own; the order and the one-sender rule still hold, on each
backend: an older bubble waiting goes first, another process waits for the claim's lease,
and a hand-over left too long is asked for again."""

from __future__ import annotations

from datetime import timedelta

from bot.core.deliveries import HELD
from bot.domain import Event, EventKind, Reply
from bot.storage import Outbox
from bot.storage.outbox import LEASE, keep


def turn(runtime, user: str, key: str) -> None:
    result = runtime.companion.handle(Event(user, EventKind.COMMAND, text="/help", update_key=key))
    assert result.stored


def drain(outbox, user: str) -> list[str]:
    sent = []
    while waiting := outbox.claim(user):
        for bubble in waiting:
            sent.append(bubble.reply.text)
            outbox.sent(bubble.id)
    return sent


def test_a_turns_replies_are_handed_over_claimed(runtime) -> None:
    mine = runtime.companion.start_outbox(owner="one")
    turn(runtime, "tg:11", "tg:1")
    other = Outbox(runtime.database, "two")
    assert other.claim("tg:11", runtime.companion.clock()) == []  # claimed by "one" as they were stored
    assert drain(mine, "tg:11") and mine.count() == 0


def test_an_older_bubble_goes_first(runtime, clock) -> None:
    mine = runtime.companion.start_outbox(owner="one")
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person("tg:12", clock())
        keep(repo, person, [Reply("left by a 429")], clock())
    turn(runtime, "tg:12", "tg:2")
    sent = drain(mine, "tg:12")
    assert sent[0] == "left by a 429" and len(sent) > 1
    assert mine.count() == 0


def test_an_older_bubble_another_process_holds_keeps_the_turns_replies_unclaimed(runtime, clock) -> None:
    mine = runtime.companion.start_outbox(owner="one")
    other = Outbox(runtime.database, "two")
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person("tg:13", clock())
        keep(repo, person, [Reply("older")], clock())
    (older,) = other.claim("tg:13", clock())
    turn(runtime, "tg:13", "tg:3")
    assert mine.claim("tg:13") == []  # "two" is sending this person's replies
    other.sent(older.id, clock())
    assert [w.reply.text for w in other.claim("tg:13", clock())]  # and then the turn's, in order


def test_a_hand_over_left_too_long_is_claimed_again(runtime, clock) -> None:
    mine = runtime.companion.start_outbox(owner="one")
    turn(runtime, "tg:14", "tg:4")
    clock.advance(seconds=HELD.total_seconds() + 1)
    assert drain(mine, "tg:14")  # from the database: the claim is this process's own
    assert mine.count() == 0


def test_a_dead_processs_hand_over_is_taken_after_the_lease(runtime, clock) -> None:
    runtime.companion.start_outbox(owner="one")
    turn(runtime, "tg:15", "tg:5")  # then "one" dies before sending
    other = Outbox(runtime.database, "two")
    assert other.waiting_people(clock(), older_than=timedelta(0)) == []
    later = clock() + LEASE + timedelta(seconds=1)
    assert other.waiting_people(later, older_than=timedelta(0)) == ["tg:15"]
    assert other.claim("tg:15", later)


def test_what_was_handed_over_is_taken_without_the_database(runtime, clock) -> None:
    """The adapter takes a fresh hand-over on its event loop (``Deliveries.handed_over``), not
    in a worker thread: so it must not touch the database. The turn's claim comes back, and
    after its last bubble, "nothing more" (looked for with that bubble's mark); past ``HELD``,
    or with nothing handed over, it says None: ask the database (``claim``)."""
    from sqlalchemy import event as sql_event

    mine = runtime.companion.start_outbox(owner="one")
    assert mine.handed_over("tg:16") is None  # nothing handed over: the database must say
    turn(runtime, "tg:16", "tg:6")
    statements: list[str] = []
    sql_event.listen(runtime.database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    waiting = mine.handed_over("tg:16")
    assert waiting and statements == []
    assert mine.handed_over("tg:16") is None  # taken once
    for bubble in waiting:
        mine.sent(bubble.id)
    statements.clear()
    assert mine.handed_over("tg:16") == [] and statements == []  # the last mark looked: nothing more
    assert mine.count() == 0
    turn(runtime, "tg:16", "tg:7")
    clock.advance(seconds=HELD.total_seconds() + 1)
    assert mine.handed_over("tg:16") is None  # too old to trust: claimed again from the database
    assert drain(mine, "tg:16") and mine.count() == 0


def test_failed_sends_wait_longer_in_a_row_and_a_refused_notice_is_not_delivered(runtime, clock) -> None:
    """``retry_later``: 2 s, 4 s, 8 s ... up to a minute for failures in a row, and from 2 s
    again once a bubble of theirs went out. ``give_up`` (Telegram refused the bubble) forgets
    it without counting a retention notice as delivered."""
    from bot.core.deliveries import RETRY_MOST
    from bot.storage import Person

    mine = runtime.companion.start_outbox(owner="one")
    with runtime.database.transaction() as repo:
        person, _ = repo.get_or_create_person("tg:17", clock())
        person.retention_queued_at = clock()
        keep(repo, person, [Reply("we will delete your data soon")], clock(), notice=True)
        keep(repo, person, [Reply("a reply")], clock())
    waits = [mine.retry_later("tg:17").total_seconds() for _ in range(8)]
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60] and RETRY_MOST.total_seconds() == 60
    assert mine.claim("tg:17") == []  # waiting out the last one
    clock.advance(seconds=61)
    notice, reply = mine.claim("tg:17")
    mine.give_up(notice.id)
    mine.sent(reply.id)
    assert mine.retry_later("tg:17").total_seconds() == 2  # one went out: from the start again
    with runtime.database.read() as repo:
        assert repo.session.get(Person, person.id).retention_notice_at is None  # refused: never delivered
    assert mine.count() == 0
