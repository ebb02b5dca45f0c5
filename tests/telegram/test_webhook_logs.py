"""The webhook's logs hold none of a person's words, whatever Telegram (or someone else) posts:
``innerchild run`` with a webhook at DEBUG, against the real listener, with bodies
python-telegram-bot cannot read (it logs the whole body at CRITICAL) and a wrong secret
token (logged at DEBUG)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, free_port, stop, wait_until

pytestmark = pytest.mark.timeout(90)

SECRET = "webhook-Secret_for-the-logs-test"
WORDS = ("Pemberton", "my uncle hurt me", "sunflower")
WRONG = "a-Wrong-secret-Tangerine"


def post(url: str, body: bytes, secret: str) -> int:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def listening(url: str) -> bool:
    try:
        return post(url, b"{}", "") == 403
    except OSError:  # not up yet
        return False


def test_an_update_the_listener_cannot_read_is_refused_and_its_words_are_not_logged(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with FakeBotAPI(token=TOKEN) as fake:
        bot = BotProcess(
            fake, tmp_path, INNERCHILD_LOG_LEVEL="DEBUG",
            INNERCHILD_WEBHOOK_URL=url, INNERCHILD_WEBHOOK_LISTEN="127.0.0.1",
            INNERCHILD_WEBHOOK_PORT=str(port), INNERCHILD_WEBHOOK_SECRET=SECRET,
        ).start(ready="setWebhook")
        try:
            wait_until(lambda: listening(url), 10, "the listener to answer")
            # JSON, but no update python-telegram-bot can make: no chat, no date
            unreadable = {"update_id": 7001, "message": {"message_id": 1, "text": f"{WORDS[0]}: {WORDS[1]}", "from": {"id": 501, "first_name": WORDS[2]}}}
            assert post(url, json.dumps(unreadable).encode(), SECRET) == 400
            # not even UTF-8
            assert post(url, f'{{"update_id": 7002, "message": {{"text": "{WORDS[1]} \xff"}}}}'.encode("latin-1"), SECRET) in (400, 500)
            # not even JSON
            assert post(url, f"{WORDS[0]} {WORDS[1]}".encode(), SECRET) in (400, 500)
            assert post(url, json.dumps(unreadable).encode(), WRONG) == 403
            assert stop(bot) == 0
        finally:
            bot.close()
    log = bot.log_text()
    assert "DEBUG" in log, "the whole log at DEBUG"
    assert "Something went wrong processing the data received from Telegram" in log, "the line is there, without the data"
    for word in (*WORDS, WRONG, SECRET):
        assert word not in log, word
    assert "Traceback" not in log
