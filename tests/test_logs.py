"""Log lines as operators collect them: plain text or one JSON object a line, chatty libraries
held back, and never a person's words, in either format."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.logs import CHATTY, setup_logging

from .test_cli import ONBOARD, innerchild


def test_json_lines_parse_and_carry_time_level_logger_and_message(capsys) -> None:
    setup_logging("INFO", "json")
    logging.getLogger("bot.somewhere").warning("a %s happened", "thing")
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        logging.getLogger("bot.other").exception("it failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(r["level"], r["logger"], r["message"]) for r in lines] == [("WARNING", "bot.somewhere", "a thing happened"), ("ERROR", "bot.other", "it failed")]
    assert "ZeroDivisionError" in lines[1]["exc_info"] and lines[0]["time"]


def test_an_exception_text_a_filter_redacted_stays_redacted_in_json(capsys) -> None:
    class Hide(logging.Filter):
        def filter(self, record):
            if record.exc_info:
                record.exc_text = "InvalidToken: <secret>"
            return True

    setup_logging("INFO", "json")
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "innerchild")
    handler.addFilter(Hide())
    try:
        raise ValueError("123:SECRET-TOKEN")
    except ValueError:
        logging.getLogger("bot.x").exception("call failed")
    err = capsys.readouterr().err
    assert "SECRET-TOKEN" not in err and json.loads(err)["exc_info"] == "InvalidToken: <secret>"


def test_chatty_libraries_stay_at_warning_unless_debug() -> None:
    setup_logging("INFO", "text")
    assert all(logging.getLogger(name).level == logging.WARNING for name in CHATTY)
    setup_logging("DEBUG", "text")
    assert logging.getLogger("transitions").level == logging.DEBUG
    setup_logging("INFO", "text")


def test_setting_up_twice_keeps_one_handler_of_ours() -> None:
    setup_logging("INFO", "json")
    setup_logging("INFO", "text")
    assert [h.get_name() for h in logging.getLogger().handlers].count("innerchild") == 1


def test_a_whole_conversation_logged_as_json_at_debug_holds_no_words(tmp_path: Path) -> None:
    secret = "Pemberton"  # a word only the person wrote
    lines = ONBOARD + "/start safety_plan\n1\nmy uncle " + secret + "\nI want to kill myself\n"
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=lines, INNERCHILD_LOG_FORMAT="json", INNERCHILD_LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert records, "DEBUG logs something"
    assert any(r["logger"].startswith("transitions") for r in records)  # DEBUG lets the chatty ones speak
    for word in (secret, "kill myself", "Little Sam", "uncle"):
        assert word not in result.stderr


def test_at_info_transitions_says_nothing_per_button(tmp_path: Path) -> None:
    result = innerchild("chat", "--user", "sam", tmp_path=tmp_path, stdin=ONBOARD, INNERCHILD_LOG_LEVEL="DEBUG", INNERCHILD_LOG_FORMAT="text")
    assert "transitions" in result.stderr
    quiet = innerchild("chat", "--user", "ana", tmp_path=tmp_path, stdin=ONBOARD, INNERCHILD_LOG_LEVEL="INFO")
    assert "transitions" not in quiet.stderr
