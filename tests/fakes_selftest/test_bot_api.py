"""Self-tests for tests.fakes.FakeBotAPI, driven by REAL python-telegram-bot.

Why real PTB: the fake is only useful if PTB's own encoding, error mapping and Updater accept
it, so every test talks to it through telegram.Bot / telegram.ext.Application. Async code is
run with asyncio.run() inside sync tests so no pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.request

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler

from tests.fakes import FakeBotAPI
from tests.fakes.bot_api import png_bytes

TOKEN = "123:ABC"
USER = 4242


@pytest.fixture
def fake():
    with FakeBotAPI(TOKEN) as api:
        yield api


async def _start(update, context):
    await update.message.reply_text("hi")


def run(fake: FakeBotAPI, coro_fn, token: str = TOKEN):
    """Run ``coro_fn(bot)`` against the fake with an initialised real telegram.Bot."""

    async def main():
        async with telegram.Bot(token, base_url=fake.base_url,
                                base_file_url=fake.base_file_url) as bot:
            return await coro_fn(bot)

    return asyncio.run(main())


def test_get_me_and_token_check(fake):
    me = run(fake, lambda bot: bot.get_me())
    assert me.id == 123 and me.is_bot and me.username == "innerchild_test_bot"
    with pytest.raises(InvalidToken):
        run(fake, lambda bot: bot.get_me(), token="123:WRONG")
    assert fake.calls("getMe")[0].status == 200


def test_unknown_method_is_404(fake):
    req = urllib.request.Request(f"{fake.base_url}{TOKEN}/noSuchMethod", data=b"")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)
    assert err.value.code == 404
    assert json.loads(err.value.read()) == {"ok": False, "error_code": 404,
                                            "description": "Not Found"}


def test_send_message_with_keyboard_and_edits(fake):
    fake.send_text(USER, "hello")  # the person must have started the chat first
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y"),
                                    InlineKeyboardButton("No", callback_data="n")]])

    async def scenario(bot):
        first = await bot.send_message(USER, "Feeling ok?", reply_markup=markup)
        second = await bot.send_message(USER, "<b>bold</b> move", parse_mode="HTML")
        await bot.edit_message_text("Thanks!", chat_id=USER, message_id=first.message_id)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("Thanks!", chat_id=USER, message_id=first.message_id)
        with pytest.raises(BadRequest, match="(?i)can.t parse entities"):
            await bot.send_message(USER, "hi <Sam>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(999, "who?")
        return first, second

    first, second = run(fake, scenario)
    assert first.message_id == 2 and second.message_id == 3  # shared per-chat numbering
    assert first.reply_markup == markup and first.chat.id == USER
    assert first.from_user.is_bot and second.text == "bold move"
    msgs = fake.bot_messages(USER)
    assert [m.text for m in msgs] == ["Thanks!", "<b>bold</b> move"]
    assert msgs[0].reply_markup is None and msgs[0].edits[0]["method"] == "editMessageText"
    assert fake.wait_for(2, USER, timeout=1) == msgs


def test_wait_for_timeout_says_what_was_received(fake):
    fake.send_text(USER, "hi")
    run(fake, lambda bot: bot.send_message(USER, "only one"))
    with pytest.raises(AssertionError, match=r"(?s)2 bot message\(s\).*only one"):
        fake.wait_for(2, USER, timeout=0.2)


def test_long_poll_returns_update_posted_from_another_thread(fake):
    timer = threading.Timer(0.3, fake.send_text, args=(USER, "/start"))

    async def poll(bot):
        timer.start()
        t0 = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        return updates, time.monotonic() - t0

    updates, elapsed = run(fake, poll)
    assert 0.2 < elapsed < 3, "must block, then return early when the update arrives"
    (update,) = updates
    assert update.message.text == "/start" and update.message.from_user.first_name == "Sam"
    assert update.message.entities[0].type == "bot_command"


def test_long_poll_times_out_empty(fake):
    async def poll(bot):
        t0 = time.monotonic()
        return await bot.get_updates(timeout=1), time.monotonic() - t0

    updates, elapsed = run(fake, poll)
    assert updates == () and 0.9 < elapsed < 3


def test_offset_confirms_and_unconfirmed_updates_are_redelivered(fake):
    first = fake.send_text(USER, "one")
    fake.send_text(USER, "two")

    async def scenario(bot):
        a = await bot.get_updates(timeout=0)
        b = await bot.get_updates(timeout=0)  # no offset: nothing confirmed -> same again
        c = await bot.get_updates(offset=first["update_id"] + 1, timeout=0, limit=5)
        d = await bot.get_updates(offset=c[-1].update_id + 1, timeout=0)
        return a, b, c, d

    a, b, c, d = run(fake, scenario)
    assert [u.message.text for u in a] == [u.message.text for u in b] == ["one", "two"]
    assert [u.message.text for u in c] == ["two"] and d == ()
    assert fake.pending_updates() == []


def test_second_poller_conflicts_and_webhook_blocks_polling(fake):
    """Two bot processes polling at once: the older long poll is terminated with 409."""

    async def scenario(bot):
        async with telegram.Bot(TOKEN, base_url=fake.base_url) as other_process:
            older = asyncio.create_task(other_process.get_updates(timeout=3))
            await asyncio.sleep(0.3)
            newer = await bot.get_updates(timeout=0)
            with pytest.raises(Conflict, match="terminated by other getUpdates"):
                await older
        await bot.set_webhook("http://127.0.0.1:1/hook", secret_token="s3cret")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        return newer, await bot.get_webhook_info()

    newer, info = run(fake, scenario)
    assert newer == () and info.url == "http://127.0.0.1:1/hook"
    assert fake.webhook["secret_token"] == "s3cret"


def test_callback_query_and_answer(fake):
    fake.send_text(USER, "hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Calm", callback_data="mood:calm")]])
    sent = run(fake, lambda bot: bot.send_message(USER, "How are you?", reply_markup=markup))
    with pytest.raises(AssertionError, match="no button"):
        fake.press_button(USER, sent.message_id, "mood:angry")
    fake.press_button(USER, sent.message_id, "mood:calm")

    async def scenario(bot):
        updates = await bot.get_updates(timeout=1)
        query = updates[-1].callback_query
        assert query.data == "mood:calm" and query.message.message_id == sent.message_id
        assert query.message.reply_markup == markup
        assert await query.answer("noted")
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await query.answer()

    run(fake, scenario)
    (call, _) = fake.calls("answerCallbackQuery")
    assert call.params["text"] == "noted" and call.status == 200


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_injection(fake):
    fake.send_text(USER, "hi")
    fake.fail_next("sendMessage", error_code=429, retry_after=7)

    async def scenario(bot):
        with pytest.raises(RetryAfter) as err:
            await bot.send_message(USER, "x")
        assert "7" in str(err.value)  # .retry_after itself emits a PTB deprecation warning
        return await bot.send_message(USER, "again")  # injected only once

    assert run(fake, scenario).text == "again"
    assert [c.status for c in fake.calls("sendMessage")] == [429, 200]


def test_blocked_user_is_forbidden(fake):
    fake.send_text(USER, "hi")
    fake.block(USER)

    async def scenario(bot):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "still there?")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(USER, "typing")

    run(fake, scenario)
    assert fake.bot_messages(USER) == []
    fake.send_text(USER, "/start")  # writing again means the person unblocked the bot
    updates = run(fake, lambda bot: bot.get_updates(timeout=0))
    statuses = [(u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
                for u in updates if u.my_chat_member]
    assert statuses == [("member", "kicked"), ("kicked", "member")]
    assert run(fake, lambda bot: bot.send_message(USER, "welcome back")).text == "welcome back"


def test_send_document_and_user_media(fake):
    fake.send_text(USER, "export please")
    payload = "naïve data\r\n".encode() + bytes(range(256))

    async def scenario(bot):
        msg = await bot.send_document(USER, payload, filename="export.json", caption="Here")
        assert msg.document.file_name == "export.json" and msg.caption == "Here"
        for send in (fake.send_sticker, fake.send_photo, fake.send_voice,
                     fake.send_document_from_user, fake.send_location):
            send(USER)
        fake.edit_text(USER, 1, "export please!")
        updates = await bot.get_updates(timeout=0)
        doc = updates[4].message.document
        data = await (await doc.get_file()).download_as_bytearray()
        return updates, bytes(data)

    updates, downloaded = run(fake, scenario)
    (sent,) = fake.bot_messages(USER)
    assert sent.method == "sendDocument" and sent.document["content"] == payload
    assert sent.document["filename"] == "export.json"
    msgs = [u.message for u in updates[1:6]]
    assert msgs[0].sticker and msgs[1].photo and msgs[2].voice and msgs[4].location
    assert downloaded == b"hello"
    assert updates[-1].edited_message.text == "export please!"


def test_send_photo_sizes_caption_and_reuse(fake):
    fake.send_text(USER, "show me")
    picture = png_bytes(300, 200)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("12 weeks", callback_data="c:mood")]])

    async def scenario(bot):
        msg = await bot.send_photo(USER, picture, caption="<b>Your week</b> &amp; more",
                                   parse_mode="HTML", reply_markup=markup, filename="mood.png")
        assert [(s.width, s.height) for s in msg.photo] == [(90, 60), (300, 200)]
        assert msg.caption == "Your week & more" and msg.reply_markup == markup
        again = await bot.send_photo(USER, msg.photo[-1].file_id)  # a photo sent before
        assert again.photo[-1].file_id == msg.photo[-1].file_id and again.caption is None
        data = await (await msg.photo[-1].get_file()).download_as_bytearray()
        fake.send_photo(USER)  # the person's photo can be sent on too
        (update,) = [u for u in await bot.get_updates(timeout=0) if u.message and u.message.photo]
        await bot.send_photo(USER, update.message.photo[-1].file_id)
        return bytes(data)

    assert run(fake, scenario) == picture
    first, second, third = fake.bot_messages(USER)
    assert (first.method, first.text, first.parse_mode) == ("sendPhoto", "<b>Your week</b> &amp; more", "HTML")
    assert first.photo["content"] == picture and (first.photo["width"], first.photo["height"]) == (300, 200)
    assert first.buttons == [("12 weeks", "c:mood")]
    assert second.photo["file_id"] == first.photo["file_id"] and second.text is None
    assert third.photo["width"] == 90
    (call, *_) = fake.calls("sendPhoto")
    assert call.files["photo"][0] == "mood.png" and call.files["photo"][1] == picture


def test_send_photo_refuses_what_telegram_refuses(fake):
    fake.send_text(USER, "show me")
    small = png_bytes(20, 20)

    async def refused(bot, photo, **kwargs) -> str:
        with pytest.raises(BadRequest) as err:
            await bot.send_photo(USER, photo, **kwargs)
        return str(err.value)

    async def scenario(bot):
        reasons = [
            await refused(bot, b"these bytes are no picture"),
            await refused(bot, small[:-20]),  # cut off: IEND is missing
            await refused(bot, png_bytes(9000, 1001)),  # 10001 in total
            await refused(bot, png_bytes(2100, 100)),  # a ratio of 21
            await refused(bot, small + b"\0" * (10 * 1024 * 1024)),  # over 10 MB
            await refused(bot, small, caption="<b>unclosed", parse_mode="HTML"),
            await refused(bot, small, caption="x" * 1025),
            await refused(bot, "no-such-file"),
        ]
        edge = await bot.send_photo(USER, png_bytes(2000, 100))  # a ratio of 20 is allowed
        long_html = await bot.send_photo(USER, small, caption="<b>" + "y" * 1024 + "</b>", parse_mode="HTML")
        document = await bot.send_document(USER, b"notes", filename="n.txt")
        reasons.append(await refused(bot, document.document.file_id))
        return reasons, edge, long_html

    reasons, edge, long_html = run(fake, scenario)
    assert [r.split(":")[0].lower() for r in reasons] == [  # PTB drops "Bad Request: "
        "image_process_failed", "image_process_failed", "photo_invalid_dimensions",
        "photo_invalid_dimensions", "photo_save_file_invalid", "can't parse entities",
        "message caption is too long", "wrong file identifier/http url specified",
        "type of file mismatch"]
    assert {c.status for c in fake.calls("sendPhoto")} == {200, 400}
    assert (edge.photo[-1].width, edge.photo[-1].height) == (2000, 100)
    assert len(long_html.caption) == 1024  # the limit counts after entity parsing
    assert [m.method for m in fake.bot_messages(USER)] == ["sendPhoto", "sendPhoto", "sendDocument"]


def test_commands_and_webhook_post(fake):
    async def scenario(bot):
        await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
        cmds = await bot.get_my_commands()
        await bot.delete_my_commands()
        return cmds, await bot.get_my_commands()

    cmds, after = run(fake, scenario)
    assert [c.command for c in cmds] == ["start", "help"] and after == ()
    assert fake.calls("setMyCommands")[0].params["commands"][0] == {"command": "start",
                                                                    "description": "Begin"}


def test_application_webhook_end_to_end(fake):
    """Real Updater.start_webhook: setWebhook is recorded and posted updates are handled."""
    pytest.importorskip("tornado")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main():
        app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
        app.add_handler(CommandHandler("start", _start))
        async with app:
            await app.start()
            await app.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="hook", secret_token="s3cret",
                webhook_url=f"http://127.0.0.1:{port}/hook")
            try:
                fake.send_text(USER, "/start")
                wrong = await asyncio.to_thread(fake.post_to_webhook, None, "wrong")
                assert fake.pending_updates(), "a rejected delivery stays queued"
                ok = await asyncio.to_thread(fake.post_to_webhook)
                return wrong, ok, await fake.wait_for_async(1, USER)
            finally:
                await app.updater.stop()
                await app.stop()

    wrong, ok, (reply,) = asyncio.run(main())
    assert (wrong, ok) == (403, 200) and reply.text == "hi"
    assert fake.webhook["url"] == f"http://127.0.0.1:{port}/hook"
    assert fake.pending_updates() == [], "Telegram drops an update once the webhook got it"


def test_application_polling_end_to_end(fake):
    """A real Application with a /start handler receives the fake's update and replies."""

    async def main():
        app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
        app.add_handler(CommandHandler("start", _start))
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            fake.send_text(USER, "/start")
            return await fake.wait_for_async(1, USER, timeout=10)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    (reply,) = asyncio.run(main())
    assert reply.text == "hi" and reply.method == "sendMessage"
    assert fake.pending_updates() == [], "Updater confirms the offset on stop"
    assert fake.calls("deleteWebhook"), "start_polling bootstraps by deleting the webhook"


def test_stop_releases_pending_long_poll():
    api = FakeBotAPI(TOKEN).start()
    result = {}

    def poll():
        req = urllib.request.Request(f"{api.base_url}{TOKEN}/getUpdates?timeout=30", data=b"")
        t0 = time.monotonic()
        with urllib.request.urlopen(req, timeout=10) as resp:
            result["body"], result["t"] = json.loads(resp.read()), time.monotonic() - t0

    worker = threading.Thread(target=poll)
    worker.start()
    time.sleep(0.3)
    api.stop()
    worker.join(timeout=5)
    assert result["body"] == {"ok": True, "result": []} and result["t"] < 3
    with pytest.raises(urllib.error.URLError):  # Telegram is down now
        urllib.request.urlopen(f"{api.base_url}{TOKEN}/getMe", timeout=2)
    port = api.port
    api.send_text(USER, "queued while down")
    with api:  # start() again: same port, state intact
        assert api.port == port
        (update,) = run(api, lambda bot: bot.get_updates(timeout=0))
        assert update.message.text == "queued while down"


def test_json_body_and_method_name_case(fake):
    """Other clients POST JSON; Telegram also ignores the method name's case."""
    fake.send_text(USER, "hi", first_name="Ana")
    req = urllib.request.Request(f"{fake.base_url}{TOKEN}/SENDMESSAGE",
                                 data=json.dumps({"chat_id": USER, "text": "123"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        body = json.loads(resp.read())
    assert body["ok"] and body["result"]["text"] == "123"
    assert body["result"]["chat"]["first_name"] == "Ana"
    assert fake.calls("sendMessage")[0].method == "sendMessage"


def test_failures_for_one_chat_and_several_times(fake):
    fake.send_text(USER, "hi")
    fake.send_text(USER + 1, "hi")
    fake.fail_next("sendMessage", error_code=429, retry_after=3, chat_id=USER, times=2)

    async def go(bot):
        await bot.send_message(USER + 1, "other chat passes")
        for _ in range(2):
            with pytest.raises(RetryAfter):
                await bot.send_message(USER, "held")
        await bot.send_message(USER, "third time")

    run(fake, go)
    assert [m.text for m in fake.bot_messages()] == ["other chat passes", "third time"]
    fake.fail_next("sendMessage", error_code=429, chat_id=USER, times=5)
    fake.clear_failures()
    run(fake, lambda bot: bot.send_message(USER, "cleared"))


def test_hold_sends_blocks_unrecorded_until_released(fake):
    fake.send_text(USER, "hi")
    fake.hold_sends(after=1)
    results = []

    async def go(bot):
        await bot.send_message(USER, "one")
        try:
            await bot.send_message(USER, "two")
        except telegram.error.NetworkError as exc:  # the 502 nobody is meant to read
            results.append(type(exc).__name__)

    thread = threading.Thread(target=run, args=(fake, go))
    thread.start()
    deadline = time.monotonic() + 5
    while fake.held_sends() != [USER] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.held_sends() == [USER]
    assert [m.text for m in fake.bot_messages()] == ["one"] and len(fake.calls("sendMessage")) == 1
    fake.release_held()
    thread.join(10)
    assert results == ["NetworkError"] and fake.held_sends() == []
    assert [m.text for m in fake.bot_messages()] == ["one"] and len(fake.calls("sendMessage")) == 1
    run(fake, lambda bot: bot.send_message(USER, "gate open"))
    assert [m.text for m in fake.bot_messages()][-1] == "gate open"


def test_calls_through_base_url_via_carry_the_label(fake):
    async def go(bot):
        await bot.get_me()

    async def main():
        async with telegram.Bot(TOKEN, base_url=fake.base_url_via("replica-a")) as bot:
            await go(bot)

    asyncio.run(main())
    run(fake, go)
    assert [c.via for c in fake.calls("getMe")] == ["replica-a", "replica-a", None, None]  # init + go each
