"""Every handler path through the real Application, with Telegram replaced by a recording
request: no network, no waiting, a fresh SQLite database per test."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from bot.domain import Button, Document, Event, Reply, TurnResult
from bot.storage.outbox import keep
from bot.telegram.sender import LIMIT

from .helpers import DOCUMENT, LOCATION, PHOTO, STICKER, VOICE, Harness, edited, kicked, message, press

pytestmark = pytest.mark.timeout(30)


def run(coro):
    return asyncio.run(coro)


def recording_companion(monkeypatch, runtime, replies_for=None, delay: float = 0.0):
    """Swap ``companion.handle`` for one that records events (and may answer by hand)."""
    real = runtime.companion.handle
    seen: list[tuple[Event, float, float]] = []
    lock = threading.Lock()

    def handle(event: Event) -> TurnResult:
        start = time.monotonic()
        if delay:
            time.sleep(delay)
        result = TurnResult(replies=replies_for(event)) if replies_for else real(event)
        with lock:
            seen.append((event, start, time.monotonic()))
        return result

    monkeypatch.setattr(runtime.companion, "handle", handle)
    return seen


def test_text_and_commands_reach_the_companion_and_replies_come_back_as_html(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            first = bot.request.of("sendMessage", me)
            assert first and first[0].params["parse_mode"] == "HTML"
            keyboard = first[-1].params["reply_markup"]["inline_keyboard"]
            assert all(len(row) == 1 for row in keyboard) and keyboard[0][0]["callback_data"] == "d:0:what_this_is"
            await bot.feed(message(me, "hello there"))
            assert len(bot.request.of("sendMessage", me)) > len(first)

    run(scenario())


def test_commands_map_to_command_events_with_args(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("ok")])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start safety_plan", update_id=5), message(me, "/journal@innerchild_test_bot 2"), message(me, "just words"))

    run(scenario())
    events = [e for e, *_ in seen]
    assert (events[0].kind.value, events[0].text, events[0].args, events[0].update_key, events[0].user) == ("command", "/start", "safety_plan", "tg:5", f"tg:{me}")
    assert (events[1].text, events[1].args) == ("/journal", "2")
    assert (events[2].kind.value, events[2].text) == ("text", "just words")


def test_a_pressed_button_is_answered_at_once_and_loses_its_keyboard(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            await bot.feed(press(me, "d:0:what_this_is", message_id=500))
            calls = [c.method for c in bot.request.calls if c.method != "getMe"]
            assert calls.index("answerCallbackQuery") < calls.index("editMessageReplyMarkup")
            (edit,) = bot.request.of("editMessageReplyMarkup", me)
            assert edit.params["message_id"] == 500 and "reply_markup" not in edit.params
            assert any("honest" in text for text in bot.request.sent_texts(me))

    run(scenario())


def test_a_button_is_answered_even_while_the_persons_previous_turn_is_running(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("ok")], delay=0.3)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "slow"), press(me, "d:0:what_this_is"))
            (answer,) = bot.request.of("answerCallbackQuery")
            return answer.time

    answered = run(scenario())
    (_, _, first_ended), (button, second_started, _) = seen
    assert button.kind.value == "button" and second_started >= first_ended  # still in order ...
    assert answered < first_ended  # ... but the spinner stopped at once


def test_a_stale_button_gets_a_gentle_note_and_the_current_step(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"), press(me, "d:0:what_this_is"))
            before = len(bot.request.of("sendMessage", me))
            await bot.feed(press(me, "d:0:what_this_is"))  # the same old button again
            texts = bot.request.sent_texts(me)[before:]
            assert texts[0].startswith("That button belongs to an earlier moment")
            assert len(texts) == 2 and "/sos" in texts[-1]  # the current step, its last bubble
            assert len(bot.request.of("answerCallbackQuery")) == 2

    run(scenario())


@pytest.mark.parametrize("what,fields", [("sticker", STICKER), ("photo", PHOTO), ("voice", VOICE), ("document", DOCUMENT), ("location", LOCATION)])
def test_media_become_unsupported_events(tg_runtime, me, monkeypatch, what, fields):
    seen = recording_companion(monkeypatch, tg_runtime)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            await bot.feed(message(me, **fields))
            assert bot.request.sent_texts(me)  # the companion's gentle "I can only read text"

    run(scenario())
    event = seen[-1][0]
    assert (event.kind.value, event.what) == ("unsupported", what)


def test_an_edited_message_is_unsupported_with_the_new_text(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"), edited(me, "actually, this"))

    run(scenario())
    event = seen[-1][0]
    assert (event.kind.value, event.what, event.text) == ("unsupported", "edited", "actually, this")


def test_groups_are_ignored(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start", chat={"id": -100, "type": "group", "title": "g"}))
            assert not bot.request.of("sendMessage")

    run(scenario())
    assert not seen


def test_a_long_reply_is_split_at_paragraphs_with_the_keyboard_on_the_last_part(tg_runtime, me, monkeypatch):
    paragraph = "word " * 300  # ~1500 characters
    text = "\n\n".join(paragraph.strip() for _ in range(6))
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply(text, (Button("Next", "d:1:0"),))])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "go"))
            sent = bot.request.of("sendMessage", me)
            assert len(sent) == 3
            assert all(len(c.params["text"]) <= LIMIT for c in sent)
            assert [("reply_markup" in c.params) for c in sent] == [False, False, True]
            assert "\n\n".join(c.params["text"] for c in sent) == text

    run(scenario())


def test_a_document_is_sent_as_a_file(tg_runtime, me, monkeypatch):
    doc = Document("journal.txt", b"my words", "text/plain")
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("Here it is."), Reply(document=doc)])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/export"))
            (call,) = bot.request.of("sendDocument", me)
            (name, content, _mime) = next(iter(call.files.values()))
            assert (name, content) == ("journal.txt", b"my words")

    run(scenario())


def test_the_real_export_command_sends_documents(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start safety_plan"), message(me, "/export"))
            assert bot.request.of("sendDocument", me)

    run(scenario())


def test_bad_html_is_resent_as_plain_text(tg_runtime, me, monkeypatch):
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("<b>Hello</b> &amp; welcome", (Button("Go", "d:0:what_this_is"),))])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.request.fail("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag")
            await bot.feed(message(me, "hi"))
            first, second = bot.request.of("sendMessage", me)
            assert second.params["text"] == "Hello & welcome" and "parse_mode" not in second.params
            assert second.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "d:0:what_this_is"

    run(scenario())


def test_a_blocked_bot_marks_the_person_unreachable(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            assert bot.person(f"tg:{me}")["active"] is True
            bot.request.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
            await bot.feed(message(me, "/help"))
            assert bot.person(f"tg:{me}")["active"] is False
            assert not any(c.params.get("text", "").startswith("Something went wrong") for c in bot.request.of("sendMessage"))

    run(scenario())


def test_being_kicked_marks_the_person_unreachable(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            await bot.feed(kicked(me))
            assert bot.person(f"tg:{me}")["active"] is False

    run(scenario())


def test_deliver_sends_with_the_same_pacing_and_reports_blocked_people(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/start"))
            adapter = bot.app.bot_data["adapter"]
            assert await adapter.deliver(f"tg:{me}", [Reply("A gentle check-in.")]) is True
            assert bot.request.sent_texts(me)[-1] == "A gentle check-in."
            bot.request.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
            assert await adapter.deliver(f"tg:{me}", [Reply("Another.")]) is False
            assert bot.person(f"tg:{me}")["active"] is False

    run(scenario())


def test_an_error_is_logged_by_class_only_and_the_person_gets_a_gentle_note(tg_runtime, me, monkeypatch, caplog):
    def boom(event: Event) -> TurnResult:
        raise RuntimeError(f"failed on {event.text}")

    monkeypatch.setattr(tg_runtime.companion, "handle", boom)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            with caplog.at_level(logging.DEBUG):
                await bot.feed(message(me, "my secret words", update_id=777))
            assert bot.request.sent_texts(me) == ["Something went wrong on my side. Let's try that again."]

    run(scenario())
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert "RuntimeError" in ours and "777" in ours
    assert "secret" not in ours


def _turns_of_two_people(tg_runtime, me, monkeypatch) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Five updates of two people, each turn 0.2 s; the (start, end) of each person's turns."""
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply(e.text)], delay=0.2)
    other = me + 1

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "one-a"), message(other, "two-a"), message(me, "one-b"), message(me, "one-c"), message(other, "two-b"))
            assert bot.request.sent_texts(me) == ["one-a", "one-b", "one-c"]
            assert bot.request.sent_texts(other) == ["two-a", "two-b"]

    run(scenario())
    by_user: dict[str, list[tuple[float, float]]] = {}
    for event, start, end in seen:
        by_user.setdefault(event.user, []).append((start, end))
    for spans in by_user.values():  # one person: each turn starts after the previous ended
        assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:]))
    return by_user[f"tg:{me}"], by_user[f"tg:{other}"]


def test_one_persons_updates_run_in_order_and_people_take_turns_with_one_writer(tg_runtime, me, monkeypatch):
    """SQLite: one turn at a time (``Database.workers`` is 1), in the order they came, so the
    second person's turn comes after the first person's first turn, not after all of them."""
    assert tg_runtime.database.workers == 1
    mine, theirs = _turns_of_two_people(tg_runtime, me, monkeypatch)
    spans = sorted(mine + theirs)
    assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:]))  # never two at once
    assert theirs[0][0] < mine[1][0]  # the second person did not wait for all of the first's turns


def test_with_more_workers_different_people_run_in_parallel(tg_runtime, me, monkeypatch):
    """PostgreSQL: as many turns at once as the pool keeps connections for (here two)."""
    monkeypatch.setattr(tg_runtime.database, "workers", 2)
    mine, theirs = _turns_of_two_people(tg_runtime, me, monkeypatch)
    assert theirs[0][0] < mine[0][1]  # the second person did not wait for the first


def test_a_redelivered_update_changes_nothing_and_sends_nothing(tg_runtime, me, monkeypatch):
    async def scenario():
        async with Harness(tg_runtime) as bot:
            update = message(me, "/start", update_id=99)
            await bot.feed(update)
            sent = len(bot.request.of("sendMessage", me))
            await bot.feed(update)
            assert len(bot.request.of("sendMessage", me)) == sent

    run(scenario())


def test_bubbles_are_paced_with_typing_before_each(tg_runtime, me, monkeypatch):
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("one"), Reply("two"), Reply("three")])

    async def scenario():
        async with Harness(tg_runtime, pause=0.1) as bot:
            await bot.feed(message(me, "hi"))
            calls = [c for c in bot.request.calls if c.method in ("sendChatAction", "sendMessage")]
            assert [c.method for c in calls] == ["sendChatAction", "sendMessage"] * 3
            assert all(c.params["action"] == "typing" for c in calls[::2])
            times = [c.time for c in calls if c.method == "sendMessage"]
            assert all(b - a >= 0.09 for a, b in zip(times, times[1:]))

    run(scenario())


def test_transient_network_errors_are_retried(tg_runtime, me, monkeypatch):
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("still here")])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.request.fail("sendMessage", 502, "Bad Gateway")
            await bot.feed(message(me, "hi"))
            assert bot.request.sent_texts(me) == ["still here", "still here"]  # the failed try, then the retry

    run(scenario())


def test_a_429_for_one_chat_holds_no_other_chat_and_loses_nothing(tg_runtime, me):
    """Telegram asks one chat to wait: that chat's reply waits in the outbox (no apology, no
    "try again"), the other person's reply goes out at once, and the sweeper sends the
    waiting one once the wait is over."""
    you = me + 1

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.request.fail("sendMessage", 429, "Too Many Requests: retry after 2", {"retry_after": 2}, chat_id=me)
            await bot.feed(message(me, "/help"), message(you, "/help"))
            assert bot.request.ok("sendMessage", you), "the other chat was held"
            assert not bot.request.ok("sendMessage", me)
            assert not any("wrong" in c.params.get("text", "") for c in bot.request.of("sendMessage", me))
            tg_runtime.companion.clock.advance(seconds=5)
            await bot.app.bot_data["sweeper"].sweep()
            (help_reply,) = bot.request.ok("sendMessage", me)
            assert "/menu" in help_reply.params["text"] or help_reply.params["text"]

    run(scenario())


def test_a_reply_telegram_refuses_is_dropped_and_holds_nothing_back(tg_runtime, me, caplog):
    """A Bad Request (here: a button's data Telegram will not take) would be refused again
    however often it was sent: the bubble is dropped, the person waiting gets the apology in
    its place, the bubbles after it go out, and their next message is answered (nothing
    queues behind it). The log names Telegram's reason, never the reply."""

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.request.fail("sendMessage", 400, "Bad Request: BUTTON_DATA_INVALID: the reply's words", chat_id=me)
            with caplog.at_level(logging.INFO):
                await bot.feed(message(me, "/start"))
            sorry = tg_runtime.companion.library.texts.plain("something_went_wrong")
            welcome, apology = bot.request.of("sendMessage", me)
            assert welcome.failed and apology.params["text"] == sorry
            assert tg_runtime.companion.deliveries.count() == 0
            refused = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            assert refused and all("Button_data_invalid" in line and "words" not in line for line in refused)
            # three left waiting (a crash), the first refused: the other two go out, in order
            with tg_runtime.database.transaction() as repo:
                person = repo.find_person(f"tg:{me}")
                keep(repo, person, [Reply("refused"), Reply("second"), Reply("third")], tg_runtime.companion.clock())
            bot.request.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=me)
            assert await bot.app.bot_data["adapter"].drain(f"tg:{me}")
            assert bot.request.sent_texts(me)[2:] == ["refused", "second", "third"]  # no apology: nobody was waiting
            assert tg_runtime.companion.deliveries.count() == 0
            await bot.feed(message(me, "/help"))
            assert bot.request.of("sendMessage", me)[-1].params["text"] != "third" and not bot.request.of("sendMessage", me)[-1].failed

    run(scenario())


def test_a_send_that_keeps_failing_waits_longer_each_time(tg_runtime, me):
    """Telegram's servers fail (a 502, every retry): the reply waits in the outbox, and each
    failure in a row doubles the wait before the sweeper tries again (2 s, then 4 s), so an
    outage is not hammered every two seconds; once Telegram answers, it goes out, once."""
    from bot.core.deliveries import RETRY_FIRST

    def fail_all_retries(bot) -> None:
        for _ in range(3):  # the sender's own quick retries
            bot.request.fail("sendMessage", 502, "Bad Gateway", chat_id=me)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            clock, sweeper = tg_runtime.companion.clock, bot.app.bot_data["sweeper"]
            fail_all_retries(bot)
            await bot.feed(message(me, "/help"))
            assert not bot.request.ok("sendMessage", me)
            clock.advance(seconds=RETRY_FIRST.total_seconds() + 1)
            fail_all_retries(bot)
            await sweeper.sweep()  # the second failure in a row: 4 s now
            tries = len(bot.request.of("sendMessage", me))
            clock.advance(seconds=3)
            await sweeper.sweep()
            assert len(bot.request.of("sendMessage", me)) == tries, "tried again before its wait was over"
            clock.advance(seconds=2)
            await sweeper.sweep()
            assert len(bot.request.ok("sendMessage", me)) == 1
            assert tg_runtime.companion.deliveries.count() == 0

    run(scenario())


def test_a_reply_left_unsent_by_a_crash_goes_out_once_after_the_restart(tg_runtime, me):
    """The turn committed, then sending failed (as if the process died): the next process's
    sweeper sends it, and a redelivered update sends nothing twice."""
    update = message(me, "/help")

    async def crashed():
        async with Harness(tg_runtime) as bot:
            for _ in range(3):  # every retry fails: the network is gone, as for a dying process
                bot.request.fail("sendMessage", 502, "Bad Gateway", chat_id=me)
            await bot.feed(update)
            assert not bot.request.ok("sendMessage", me)
            await bot.app.bot_data["sweeper"].stop()  # the process dies: no clean stop sends it
            bot.app.bot_data["sweeper"] = None

    async def restarted():
        async with Harness(tg_runtime) as bot:
            tg_runtime.companion.clock.advance(seconds=5)
            await bot.app.bot_data["sweeper"].sweep()
            assert len(bot.request.ok("sendMessage", me)) == 1
            await bot.feed(update)  # Telegram delivers it again: a duplicate, nothing more to send
            assert len(bot.request.ok("sendMessage", me)) == 1

    run(crashed())
    run(restarted())


def test_the_command_menu(tg_runtime, me, monkeypatch):
    from bot.telegram.application import set_commands

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await set_commands(bot.app)
            (call,) = bot.request.of("setMyCommands")
            names = [c["command"] for c in call.params["commands"]]
            assert names == ["start", "menu", "progress", "pause", "resume", "sos", "ground", "journal", "checkins", "mood", "mydata", "export", "delete", "help"]

    run(scenario())


def test_the_old_keyboard_goes_beside_the_reply_not_before_it(tg_runtime, me):
    """Taking the buttons off the pressed message is a round trip to Telegram: the reply does
    not wait for it (the first message starts while the edit is still out), and a removal
    that fails costs the person nothing, not even an apology."""
    from .helpers import RecordingRequest

    answered_edit = asyncio.Event()
    order: list[str] = []

    class SlowEdits(RecordingRequest):
        async def do_request(self, url, method, request_data=None, **timeouts):
            name = url.rsplit("/", 1)[-1]
            if name == "editMessageReplyMarkup":
                order.append("edit asked")
                await asyncio.sleep(0.3)  # Telegram far away
                order.append("edit answered")
                answered_edit.set()
            elif name == "sendMessage" and answered_edit.is_set() is False and "edit asked" in order:
                order.append("reply sent while the edit was out")
            return await super().do_request(url, method, request_data, **timeouts)

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.request.__class__ = SlowEdits
            await bot.feed(message(me, "/start"))
            await bot.feed(press(me, "d:0:what_this_is", message_id=500))
            assert order[:2] == ["edit asked", "reply sent while the edit was out"] and "edit answered" in order
            assert bot.request.of("editMessageReplyMarkup", me)
            bot.request.fail("editMessageReplyMarkup", 502, "Bad Gateway")
            bot.request.fail("editMessageReplyMarkup", 502, "Bad Gateway")
            bot.request.fail("editMessageReplyMarkup", 502, "Bad Gateway")
            before = len(bot.request.ok("sendMessage", me))
            await bot.feed(press(me, "d:1:ready", message_id=501))
            sorry = tg_runtime.companion.library.texts.plain("something_went_wrong")
            assert sorry not in bot.request.sent_texts(me)
            assert len(bot.request.ok("sendMessage", me)) > before

    run(scenario())
