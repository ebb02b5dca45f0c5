"""Lines of python-telegram-bot, httpx and tornado keep their wording and numbers and nothing
else: what they would show of an update, a body, a token or an exception's text is withheld,
whatever the level and whichever handler reads them (ours, or a test's capture)."""

from __future__ import annotations

import logging
import sys

from bot.logs import WITHHOLD, setup_logging

WORDS = "I want to disappear"


def test_a_library_line_keeps_its_numbers_and_withholds_the_rest(capsys) -> None:
    setup_logging("DEBUG", "text")
    updater = logging.getLogger("telegram.ext.Updater")
    updater.setLevel(logging.DEBUG)
    try:
        updater.critical("Received data was: %r", {"update_id": 5, "message": {"text": WORDS}, WORDS: 1})
        updater.debug("Webhook received data: %s", '{"text": "%s"}' % WORDS)
        updater.debug("Request had the wrong secret token: %s", "guessed-Secret-123")
        updater.debug("Received Update with ID %d on Webhook", 5)
        logging.getLogger("httpx").info("HTTP Request: %s %s", "POST", "https://api.telegram.org/bot123:ABC/sendMessage")
        logging.getLogger("telegram.Bot").debug({"text": WORDS})
        try:
            raise ValueError(WORDS)
        except ValueError:
            logging.getLogger("tornado.application").exception("Uncaught exception %s", WORDS)
        logging.getLogger("bot.telegram.run").info("ours: %s", "kept as it is")
    finally:
        updater.setLevel(logging.NOTSET)
        setup_logging("INFO", "text")
    err = capsys.readouterr().err
    assert WORDS not in err and "guessed-Secret" not in err and "123:ABC" not in err
    assert "Received data was: '<withheld>'" in err
    assert "Webhook received data: <withheld>" in err and "wrong secret token: <withheld>" in err
    assert "Received Update with ID 5 on Webhook" in err
    assert "HTTP Request: <withheld> <withheld>" in err
    assert "Uncaught exception <withheld> (ValueError)" in err and "Traceback" not in err
    assert "ours: kept as it is" in err


def test_the_filter_sits_on_the_libraries_loggers_for_any_handler(caplog) -> None:
    import telegram.ext  # noqa: F401 - PTB makes its loggers as it is imported

    setup_logging("INFO", "text")
    assert WITHHOLD in logging.getLogger("telegram.ext.Updater").filters
    assert WITHHOLD in logging.getLogger("httpx").filters or "httpx" not in sys.modules
    with caplog.at_level(logging.INFO):
        logging.getLogger("telegram.ext.Updater").critical("Received data was: %r", {"message": {"text": WORDS}})
    assert WORDS not in caplog.text and "<withheld>" in caplog.text
