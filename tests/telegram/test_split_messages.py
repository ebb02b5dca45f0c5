"""A long text a Telegram app split into several messages is read as one message; short
messages are never delayed and never merged (bot/telegram/coalesce.py)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.console import parse_line
from bot.domain import Button, Event, EventKind, Part, Reply
from bot.telegram.coalesce import joiner, utf16_len

from .helpers import Harness, message, press
from .test_adapter import recording_companion
from tests.console.helpers import ONBOARD

pytestmark = pytest.mark.timeout(60)

LETTER = ("Hello. " + "I remember the garden at Gran's, and the swing under the apple tree. " * 80)[:5000]  # cut at 4,096: "gar|den"


def run(coro):
    return asyncio.run(coro)


def at_a_journal_prompt(companion, uid: int) -> None:
    """Onboarded, with a journaling prompt waiting for text (straight through the companion)."""
    buttons: tuple[Button, ...] = ()
    for line in [""] + ONBOARD + ["/start journaling", "1"]:
        event = parse_line(line, buttons, f"tg:{uid}") or Event(f"tg:{uid}", EventKind.OPEN)
        shown = [reply.buttons for reply in companion.handle(event).replies if reply.buttons]
        buttons = shown[-1] if shown else buttons


def journal(runtime, uid: int) -> list[str]:
    with runtime.database.transaction() as repo:
        return [entry.text for entry in repo.journal(repo.find_person(f"tg:{uid}"))]


def test_a_4096_and_904_split_is_kept_whole_as_one_answer(tg_runtime, me):
    at_a_journal_prompt(tg_runtime.companion, me)
    first, second = LETTER[:4096], LETTER[4096:]  # Telegram for Android: a cut at 4,096, here inside a word
    assert first[-1].isalpha() and second[0].isalpha() and len(second) == 904

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, first, update_id=70_001), message(me, second, update_id=70_002))
            texts = bot.request.sent_texts(me)
            assert texts == ["Got it. Add more, or tap \"That's all\" when you're done."]  # one answer, no idle reply
            assert len(bot.app.updater.ledger) == 0  # both updates reported done
            await bot.feed(message(me, second, update_id=70_002))  # a redelivered part: already processed
            assert bot.request.sent_texts(me) == texts

    run(scenario())
    assert journal(tg_runtime, me) == [LETTER]


def test_three_parts_at_desktop_breaks_are_joined_with_the_break(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("ok")])
    paragraph = "A line of the letter, written slowly. " * 60  # 2,280 characters
    parts = [paragraph.strip() + "\n\n" + paragraph.strip(), paragraph.strip() + "\n\n" + paragraph.strip(), "The end."]

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(*(message(me, part) for part in parts))
            assert bot.request.sent_texts(me) == ["ok"]

    run(scenario())
    (event, _, _), = seen
    assert event.text == "\n\n".join(parts) and len(event.update_keys) == 3


def test_a_short_message_is_not_delayed(tg_runtime, me, monkeypatch):
    recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("ok")])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            started = time.monotonic()
            await bot.feed(message(me, "hello"))
            sent = bot.request.of("sendMessage", me)
            assert sent and sent[0].time - started < 0.5  # the window is 1.5 s

    run(scenario())


def test_two_quick_short_messages_are_answered_separately(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply(e.text)])

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "first thought"), message(me, "second thought"))
            assert bot.request.sent_texts(me) == ["first thought", "second thought"]

    run(scenario())
    assert [event.text for event, _, _ in seen] == ["first thought", "second thought"]


def test_a_long_message_alone_waits_only_the_window_and_nothing_merges_across_a_button(tg_runtime, me, monkeypatch):
    seen = recording_companion(monkeypatch, tg_runtime, replies_for=lambda e: [Reply("ok")])
    long = LETTER[:4096]

    async def scenario():
        async with Harness(tg_runtime) as bot:
            bot.app.update_processor.coalescer.window = 0.3
            started = time.monotonic()
            await bot.feed(message(me, long))
            assert 0.25 < time.monotonic() - started < 2
            await bot.feed(message(me, long), press(me, "c:menu"), message(me, "more words"))

    run(scenario())
    assert [(e.kind, len(e.text)) for e, _, _ in seen] == [
        (EventKind.TEXT, 4096), (EventKind.TEXT, 4096), (EventKind.BUTTON, 0), (EventKind.TEXT, 10)]


def test_the_joiner_puts_back_what_the_cut_most_likely_lost():
    assert joiner("x" * 4096) == ""  # Android's cut at the limit, inside a word
    assert joiner("x" * 4095 + ".") == " "  # at the limit, but after a sentence
    assert joiner("para one\n\npara two") == "\n\n"  # Desktop prefers a blank line
    assert joiner("line one\nline two") == "\n"
    assert joiner("one long paragraph") == " "
    assert utf16_len("🙂") == 2


def test_a_part_processed_before_a_crash_is_left_out():
    event = Event("tg:1", EventKind.TEXT, text="a b c", update_key="tg:1", parts=(
        Part("tg:1", "a"), Part("tg:2", "b", " "), Part("tg:3", "c", " ")))
    assert event.update_keys == ("tg:1", "tg:2", "tg:3")
    assert event.without({"tg:9"}) is event
    rest = event.without({"tg:1"})
    assert rest is not None and (rest.text, rest.update_key, rest.update_keys) == ("b c", "tg:2", ("tg:2", "tg:3"))
    assert event.without({"tg:1", "tg:2", "tg:3"}) is None
    single = Event("tg:1", EventKind.TEXT, text="a", update_key="tg:5")
    assert single.update_keys == ("tg:5",) and single.without({"tg:5"}) is None
