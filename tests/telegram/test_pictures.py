"""A reply's picture reaches Telegram as a photo: the real Application (real companion turn,
real outbox, real PTB over HTTP) against FakeBotAPI, which checks photos as Telegram does.

The companion's words are replaced (``dispatch``), nothing else: the replies commit with the
turn in the outbox and the adapter drains them, so a 429 half-way through a bubble and the
later drain are the ones production sees."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.domain import Button, Picture, Reply
from bot.storage import Outbox
from bot.telegram import build_application
from tests.conftest import FakeClock, build_runtime
from tests.fakes.bot_api import png_bytes

from .e2e import TOKEN

pytestmark = pytest.mark.timeout(60)

CHART = png_bytes(640, 400)
MORE = Button("12 weeks", "c:mood")


@pytest.fixture(scope="module")
def live_runtime(tg, tmp_path_factory):
    """A runtime whose Telegram is the module's fake (``tg``)."""
    folder = tmp_path_factory.mktemp("pictures")
    runtime = build_runtime(
        f"sqlite:///{folder / 'test.db'}", FakeClock(), folder, telegram_token=TOKEN, telegram_base_url=tg.base_url, message_pause=0
    )
    yield runtime
    runtime.database.dispose()


class LiveBot:
    """The Application on the test's loop, talking HTTP to the fake. Nothing polls: the test
    hands it the update the fake queued for the person, and ``say`` returns once handled."""

    def __init__(self, runtime, tg, *, pause: float = 0.0):
        self.app = build_application(runtime, pause=pause)
        self.tg = tg

    async def __aenter__(self) -> "LiveBot":
        await self.app.initialize()
        await self.app.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.app.stop()
        await self.app.shutdown()

    async def say(self, user: int, text: str) -> None:
        update = self.tg.send_text(user, text)
        await asyncio.wait_for(self.app.update_queue.put(Update.de_json(update, self.app.bot)), 20)

    async def sweep(self, runtime) -> None:
        """Later: the wait Telegram asked for is over and the sweeper sends what waits."""
        runtime.companion.clock.advance(seconds=5)
        await self.app.bot_data["sweeper"].sweep()


def answering(monkeypatch, *replies: Reply) -> None:
    """The companion answers every turn with ``replies`` (the turn itself is real)."""
    monkeypatch.setattr("bot.core.companion.dispatch", lambda ctx, event, screened: list(replies))


def shown(tg, me):
    return [(m.method, m.text, m.buttons) for m in tg.bot_messages(me)]


def test_a_picture_goes_as_a_photo_with_its_caption_and_the_buttons(live_runtime, tg, me, monkeypatch):
    picture = Picture(CHART, "<b>Your last four weeks</b> &amp; the days you answered", "mood_chart")
    answering(monkeypatch, Reply("Here is your week.", (MORE,), picture=picture))

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            await bot.say(me, "/mood")

    asyncio.run(scenario())
    assert shown(tg, me) == [
        ("sendMessage", "Here is your week.", []),
        ("sendPhoto", "<b>Your last four weeks</b> &amp; the days you answered", [("12 weeks", "c:mood")]),
    ]
    photo = tg.bot_messages(me)[-1]
    assert photo.parse_mode == "HTML"
    assert photo.photo["content"] == CHART and (photo.photo["width"], photo.photo["height"]) == (640, 400)
    (call,) = tg.calls("sendPhoto")[-1:]
    assert call.files["photo"][:2] == ("mood_chart.png", CHART) and call.files["photo"][2] == "image/png"


def test_a_picture_alone_carries_the_buttons_and_is_paced_as_a_photo(live_runtime, tg, me, monkeypatch):
    answering(monkeypatch, Reply("First, a word."), Reply(buttons=(MORE,), picture=Picture(CHART)))

    async def scenario():
        async with LiveBot(live_runtime, tg, pause=0.01) as bot:
            await bot.say(me, "/mood")

    asyncio.run(scenario())
    assert shown(tg, me) == [("sendMessage", "First, a word.", []), ("sendPhoto", None, [("12 weeks", "c:mood")])]
    actions = [c.params["action"] for c in tg.calls("sendChatAction") if c.params["chat_id"] == me]
    assert actions == ["typing", "upload_photo"]


def test_a_caption_too_long_for_a_photo_follows_it_as_text_with_the_buttons(live_runtime, tg, me, monkeypatch):
    caption = "\n\n".join(["<i>" + "a gentle sentence " * 20 + "</i>"] * 4)  # about 1500 units
    answering(monkeypatch, Reply("Before.", (MORE,), picture=Picture(CHART, caption)))

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            await bot.say(me, "/mood")

    asyncio.run(scenario())
    assert shown(tg, me) == [
        ("sendMessage", "Before.", []),
        ("sendPhoto", None, []),
        ("sendMessage", caption, [("12 weeks", "c:mood")]),
    ]


def test_a_caption_telegram_cannot_parse_goes_as_plain_text(live_runtime, tg, me, monkeypatch):
    answering(monkeypatch, Reply(buttons=(MORE,), picture=Picture(CHART, "<b>Your week</i> &amp; more")))

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            await bot.say(me, "/mood")

    asyncio.run(scenario())
    (photo,) = tg.bot_messages(me)
    assert (photo.method, photo.text, photo.parse_mode, photo.buttons) == ("sendPhoto", "Your week & more", None, [("12 weeks", "c:mood")])
    assert [c.status for c in tg.calls("sendPhoto") if c.params["chat_id"] == me] == [400, 200]


def test_a_429_on_the_photo_leaves_it_waiting_and_it_goes_out_once_after_the_text(live_runtime, tg, me, monkeypatch):
    answering(monkeypatch, Reply("Here is your week.", (MORE,), picture=Picture(CHART, "Your week")))

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            tg.fail_next("sendPhoto", 429, retry_after=2, chat_id=me)
            await bot.say(me, "/mood")
            assert shown(tg, me) == [("sendMessage", "Here is your week.", [])]
            assert Outbox(live_runtime.database, "look").count() == 1  # the bubble waits
            await bot.sweep(live_runtime)

    asyncio.run(scenario())
    assert shown(tg, me) == [("sendMessage", "Here is your week.", []), ("sendPhoto", "Your week", [("12 weeks", "c:mood")])]
    assert [c.status for c in tg.calls("sendPhoto") if c.params["chat_id"] == me] == [429, 200]


def test_a_429_on_a_long_captions_text_sends_the_photo_once_and_the_text_after_it(live_runtime, tg, me, monkeypatch):
    caption = "\n\n".join(["a gentle sentence " * 30] * 3)
    answering(monkeypatch, Reply(buttons=(MORE,), picture=Picture(CHART, caption)), Reply("After."))

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            tg.fail_next("sendMessage", 429, retry_after=2, chat_id=me)  # the caption's text
            await bot.say(me, "/mood")
            assert shown(tg, me) == [("sendPhoto", None, [])]
            await bot.sweep(live_runtime)

    asyncio.run(scenario())
    assert shown(tg, me) == [
        ("sendPhoto", None, []),
        ("sendMessage", caption.strip(), [("12 weeks", "c:mood")]),
        ("sendMessage", "After.", []),
    ]


def test_the_recording_harness_answers_a_photo_too(tg_runtime, me, monkeypatch):
    """``helpers.Harness`` (no HTTP) knows sendPhoto, so the in-memory tests can send pictures."""
    from .helpers import Harness, message

    answering(monkeypatch, Reply("Words.", (MORE,), picture=Picture(CHART, "<b>Chart</b>")))

    async def scenario():
        async with Harness(tg_runtime) as bot:
            await bot.feed(message(me, "/mood"))
            (photo,) = bot.request.ok("sendPhoto", me)
            assert photo.params["caption"] == "<b>Chart</b>" and photo.params["parse_mode"] == "HTML"
            assert "reply_markup" in photo.params and "reply_markup" not in bot.request.ok("sendMessage", me)[0].params
            assert next(iter(photo.files.values()))[:2] == ("picture.png", CHART)

    asyncio.run(scenario())


def test_mood_itself_reaches_telegram_as_the_chart_with_its_words(live_runtime, tg, me):
    """No words replaced: a person with check-in moods types /mood, the real chart goes out."""
    from tests.fakes.bot_api import image_size
    from tests.progress.helpers import person_with_moods

    person_with_moods(live_runtime, f"tg:{me}", live_runtime.companion.clock(), [(3, 2), (2, 3), (1, 4), (0, 4)])

    async def scenario():
        async with LiveBot(live_runtime, tg) as bot:
            await bot.say(me, "/mood")

    asyncio.run(scenario())
    (photo,) = tg.bot_messages(me)
    assert photo.method == "sendPhoto" and photo.parse_mode == "HTML"
    assert photo.text.startswith("<b>Your last 4 weeks</b>\nYou answered a check-in on 4 of these 28 days")
    assert photo.buttons == [("12 weeks", "c:mood:12")]
    assert image_size(photo.photo["content"]) == (1200, 675)
