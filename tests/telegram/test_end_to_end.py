"""``innerchild run`` as a real process against FakeBotAPI over HTTP on 127.0.0.1.

One bot process serves the conversation tests (each with its own person); crash, webhook
and shutdown tests start their own. Every wait is bounded.
"""

from __future__ import annotations

import signal
import time

import pytest

from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, Person, free_port, mentions, stop, texts, wait_until

pytestmark = pytest.mark.timeout(90)

SECRET_WORDS = ("When I stop answering messages", "A hot shower and my cat", "United Kingdom", "Little Sam")


@pytest.fixture(scope="module")
def bot(tg, tmp_path_factory):
    process = BotProcess(tg, tmp_path_factory.mktemp("bot"), INNERCHILD_LOG_LEVEL="DEBUG").start()
    yield process
    process.close()


def test_onboarding_with_buttons_and_typed_answers(tg, bot):
    sam = Person(tg, 101)
    hello = sam.say("/start")
    assert [label for label, _ in hello[-1].buttons] == ["Tell me more", "Pause for now"]
    assert hello[-1].parse_mode == "HTML"
    sam.tap("Tell me more")
    first = sam.messages()[0]
    assert first.reply_markup is None and first.edits, "the pressed message lost its keyboard"
    assert tg.calls("answerCallbackQuery")[-1].status == 200
    sam.tap("Okay")
    sam.tap("Yes, I'm 18 or over")
    asked = sam.tap("Yes, I agree")
    assert "Which country" in texts(asked)
    assert "city" in texts(sam.say("United Kingdom"))
    assert "call you" in texts(sam.say("London"))
    assert "inner child a name" in texts(sam.say("Sam"))
    path = sam.say("Little Sam")
    assert "Little Sam" in texts(path) and "Show me the path" in [label for label, _ in path[-1].buttons]
    menu = sam.tap("Show me the path")
    assert menu[-1].buttons, "the menu offers somewhere to go"
    poll = tg.calls("getUpdates")[-1].params
    assert sorted(poll["allowed_updates"]) == ["callback_query", "edited_message", "message", "my_chat_member"]
    assert tg.calls("deleteWebhook")[0].params.get("drop_pending_updates") in (None, False)
    wait_until(lambda: tg.calls("setMyCommands"), 10, "the command menu (set a second after start-up)")
    assert [c["command"] for c in tg.calls("setMyCommands")[0].params["commands"]][:3] == ["start", "menu", "progress"]


def test_free_text_is_saved_and_two_quick_messages_are_answered_in_order(tg, bot):
    ana = Person(tg, 102)
    ana.say("/start safety_plan")
    ana.tap("Let's write it", until=mentions("What tells you"))
    count = len(ana.messages())
    tg.send_text(ana.id, SECRET_WORDS[0])
    tg.send_text(ana.id, SECRET_WORDS[1])  # right away, before the first is answered
    new = ana.wait(count, until=mentions("Who could you reach out to"))
    order = texts(new)
    assert order.index("What helps you") < order.index("Who could you reach out to")
    journal = ana.say("/journal", until=mentions(SECRET_WORDS[1]))
    assert SECRET_WORDS[0] in texts(journal)


def test_a_sticker_gets_a_gentle_note_and_the_step_again(tg, bot):
    kim = Person(tg, 103)
    kim.say("/start")
    count = len(kim.messages())
    tg.send_sticker(kim.id)
    new = kim.wait(count)
    assert "I can only read text" in texts(new) and [b for b, _ in new[-1].buttons] == ["Tell me more", "Pause for now"]


def test_a_stale_button_gets_a_note_and_the_current_step(tg, bot):
    lee = Person(tg, 104)
    lee.say("/start")
    hello, data = lee.button("Tell me more")
    lee.tap("Tell me more")
    count = len(lee.messages())
    tg.press_button(lee.id, hello.message_id, data, strict=False)  # an old button, pressed again
    new = lee.wait(count)
    assert "earlier moment" in texts(new) and [b for b, _ in new[-1].buttons] == ["Okay", "Pause for now"]


def test_a_wrong_tap_on_under_18_is_asked_about_and_can_be_corrected_later(tg, bot):
    kai = Person(tg, 106)
    kai.say("/start")
    kai.tap("Tell me more")
    kai.tap("Okay")
    asked = kai.tap("No, I'm under 18")
    assert "are you under 18?" in texts(asked)  # asked once more before the program closes
    assert [b for b, _ in asked[-1].buttons] == ["Yes, I'm under 18", "No, I'm 18 or over"]
    youth = kai.tap("Yes, I'm under 18", until=mentions("Take good care of yourself"))
    assert "childhelplineinternational.org" in texts(youth) and not youth[-1].buttons
    again = kai.say("/start", until=mentions("by mistake"))
    assert "childhelplineinternational.org" in texts(again)
    assert [b for b, _ in again[-1].buttons] == ["I tapped the wrong answer"]
    check = kai.tap("I tapped the wrong answer")
    assert "Just to check, are you 18 or older?" in texts(check)
    consent = kai.tap("Yes, I'm 18 or over")
    assert "Is that okay with you?" in texts(consent)
    assert "Which country" in texts(kai.tap("Yes, I agree"))


def test_the_log_never_holds_what_people_wrote(tg, bot):
    Person(tg, 105).say("/start safety_plan")  # at least one turn, whatever ran before
    log = bot.log_text()
    assert "receiving updates by long polling" in log
    assert TOKEN not in log
    for words in SECRET_WORDS:
        assert words not in log


def test_killed_mid_turn_and_restarted_it_sends_the_held_reply_once_and_goes_on(tg, tmp_path):
    # Its own fake, so "which updates are still unconfirmed" is about this test alone.
    with FakeBotAPI(token=TOKEN) as fake:
        first = BotProcess(fake, tmp_path).start()
        try:
            mo = Person(fake, 201)
            mo.say("/start safety_plan")
            mo.tap("Let's write it", until=mentions("What tells you"))
            sent = len(mo.messages())
            fake.fail_next("sendMessage", 429, retry_after=2)  # the answer's reply is held up ...
            answer = fake.send_text(mo.id, SECRET_WORDS[0])
            wait_until(lambda: fake.calls("sendMessage")[-1].status == 429, 10, "the held-up reply")
            first.signal(signal.SIGKILL)  # ... after the turn committed: kill the process now
            first.wait(10)
        finally:
            first.close()
        # Confirmed or not (the turn had finished, its reply waiting in the outbox): either way
        # the update changes nothing twice and the reply goes out once.
        assert [u["update_id"] for u in fake.pending_updates()] in ([], [answer["update_id"]])
        assert len(mo.messages()) == sent
        second = BotProcess(fake, tmp_path).start()
        try:
            wait_until(lambda: not fake.pending_updates(), 10, "the redelivered update to be confirmed")
            # kept in the outbox; a claim the dead process held runs out within its lease (10 s)
            held = mo.wait(sent, until=mentions("What helps you get through"), timeout=20)
            assert texts(held).count("What helps you get through") == 1
            time.sleep(1)
            assert texts(mo.messages()).count("What helps you get through") == 1, "sent twice"
            new = mo.say(SECRET_WORDS[1], until=mentions("Who could you reach out to"))
            assert "What tells you" not in texts(new)  # the same step as before the crash, moved on once
            journal = mo.say("/journal", until=mentions(SECRET_WORDS[1]))
            assert texts(journal).count(SECRET_WORDS[0]) == 1
            assert stop(second) == 0
        finally:
            second.close()


def test_sigterm_lets_the_turn_in_hand_finish_and_exits_cleanly(tg, tmp_path):
    with FakeBotAPI(token=TOKEN) as fake:
        bot = BotProcess(fake, tmp_path).start()
        try:
            jo = Person(fake, 301)
            jo.say("/start")
            count = len(jo.messages())
            fake.fail_next("sendMessage", 429, retry_after=1)
            fake.send_text(jo.id, "/help")
            wait_until(lambda: fake.calls("sendMessage")[-1].status == 429, 10, "the held-up reply")
            assert stop(bot, timeout=10) == 0
            assert len(jo.messages()) > count, "the reply in hand was sent before exiting"
            assert not fake.pending_updates(), "the handled update was confirmed"
            assert "Traceback" not in bot.log_text()
        finally:
            bot.close()


def test_webhook_refuses_a_wrong_secret_and_accepts_the_right_one(tg, tmp_path):
    port = free_port()
    with FakeBotAPI(token=TOKEN) as fake:
        bot = BotProcess(
            fake, tmp_path,
            INNERCHILD_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            INNERCHILD_WEBHOOK_LISTEN="127.0.0.1",
            INNERCHILD_WEBHOOK_PORT=str(port),
            INNERCHILD_WEBHOOK_SECRET="s3cret-Token_1-for-tests",
        ).start(ready="setWebhook")
        try:
            assert fake.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
            assert fake.webhook["secret_token"] == "s3cret-Token_1-for-tests"
            assert not fake.calls("getUpdates")
            fake.send_text(401, "/start")
            wait_until(lambda: _status(fake, "wrong") == 403, 10, "the listener to refuse a wrong secret")
            assert fake.post_to_webhook(secret_token="") == 403  # no secret at all
            assert fake.pending_updates(), "a refused update is still Telegram's to deliver"
            assert fake.post_to_webhook() == 200
            # The webhook answers only once the turn is done, so the reply is already there.
            assert "Hello" in texts(fake.bot_messages(401))
            assert stop(bot) == 0
        finally:
            bot.close()


def _status(fake: FakeBotAPI, secret: str) -> int | None:
    try:
        return fake.post_to_webhook(secret_token=secret)
    except OSError:  # the listener is not up yet
        return None


def test_a_wrong_token_is_one_clear_line_and_exit_status_2(tmp_path):
    import subprocess
    import sys

    with FakeBotAPI(token="999:OTHER") as fake:
        bot = BotProcess(fake, tmp_path)
        done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=bot.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "innerchild: Telegram refused INNERCHILD_TELEGRAM_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr and TOKEN not in done.stderr
