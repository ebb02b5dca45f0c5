"""The webhook secret: at least 16 characters (one line at start-up otherwise), and the log
redaction hides that exact string, never the letters it is made of."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.telegram.run import Redact
from tests.test_cli import innerchild

SECRET = "abcdefghijklmnop"


def test_a_short_webhook_secret_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    for short in ("a", "s3cret-Token_1", "abcdefghijklmno"):  # 15 characters
        result = innerchild("run", tmp_path=tmp_path, INNERCHILD_TELEGRAM_TOKEN="123:ABC", INNERCHILD_WEBHOOK_URL="https://bot.example.org/telegram", INNERCHILD_WEBHOOK_SECRET=short)
        assert result.returncode == 2
        assert result.stderr.startswith("innerchild: INNERCHILD_WEBHOOK_SECRET: use 16-256 characters from A-Z, a-z, 0-9, _ and -")
        assert result.stderr.count("\n") == 1 and (len(short) == 1 or short not in result.stderr)
    spaced = innerchild("run", tmp_path=tmp_path, INNERCHILD_TELEGRAM_TOKEN="123:ABC", INNERCHILD_WEBHOOK_SECRET="sixteen letters but spaces")
    assert spaced.returncode == 2 and "INNERCHILD_WEBHOOK_SECRET" in spaced.stderr


def test_redaction_hides_the_exact_secret_and_leaves_its_letters_alone() -> None:
    redact = Redact("123:ABC", SECRET)
    letters = "a b c d e f g h i j k l m n o p: each letter of the alphabet's start, abc and nop"
    record = logging.LogRecord("bot.telegram.run", logging.INFO, __file__, 1, "%s", (letters,), None)
    assert redact.filter(record) and record.getMessage() == letters
    record = logging.LogRecord("bot.telegram.run", logging.INFO, __file__, 1, "listening with %s and %s", (SECRET, "abcdefghijklmno"), None)
    assert redact.filter(record) and record.getMessage() == "listening with <secret> and abcdefghijklmno"
