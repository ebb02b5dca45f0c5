"""Retention as an operator runs it: ``innerchild retention`` from cron beside ``innerchild
run``, against the fake Bot API. The command queues the notices; the running bot sends them;
only the one Telegram accepted lets the person be deleted after the notice period. The one
who blocked the bot (403) and the one whose notice keeps failing are deleted only after the
longer period (twice the retention days)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, Person, stop, wait_until

pytestmark = pytest.mark.timeout(240)
NOTICE = "will be deleted in 7 days"
DELIVERED, BLOCKED, FAILING = 401, 402, 403


def retention(bot: BotProcess, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "retention", *args], capture_output=True, text=True, timeout=120, cwd=bot.folder, env=bot.env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def people(bot: BotProcess) -> dict[str, tuple]:
    engine = create_engine(bot.env["INNERCHILD_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT external_id, active, retention_queued_at, retention_notice_at FROM persons"))
            return {row[0]: (bool(row[1]), row[2] is not None, row[3] is not None) for row in rows}
    finally:
        engine.dispose()


def away(bot: BotProcess, days: int) -> None:
    engine = create_engine(bot.env["INNERCHILD_DATABASE_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE persons SET last_seen_at = :at"), {"at": (datetime.now(UTC) - timedelta(days=days)).replace(tzinfo=None)})
    finally:
        engine.dispose()


def test_cron_queues_the_bot_delivers_and_only_a_delivered_notice_deletes(tmp_path):
    with FakeBotAPI(token=TOKEN) as tg:
        bot = BotProcess(tg, tmp_path, INNERCHILD_RETENTION_DAYS="30").start()
        try:
            for user in (DELIVERED, BLOCKED, FAILING):
                Person(tg, user).say("/start")
            assert stop(bot) == 0
            away(bot, 24)  # a notice is due at 30 - 7 = 23 days away

            out = retention(bot)
            assert "queued 3 notice(s) for the running bot" in out and "deleted 0" in out
            assert all(queued and not noticed for _, queued, noticed in people(bot).values())  # queued is not noticed

            tg.fail_next("sendMessage", 403, chat_id=BLOCKED, times=50)  # blocked the bot
            tg.fail_next("sendMessage", 400, chat_id=FAILING, times=100_000)  # never gets through
            bot.start()
            tg.wait_for(lambda msgs: any(NOTICE in (m.text or "") for m in msgs), DELIVERED, timeout=30)
            wait_until(lambda: not people(bot)[f"tg:{BLOCKED}"][0], 30, "the blocked person marked unreachable")
            wait_until(lambda: len([c for c in tg.calls("sendMessage") if c.params.get("chat_id") == FAILING]) >= 2, 30, "retries")
            assert stop(bot, 40) == 0
            assert not any(NOTICE in (m.text or "") for m in tg.bot_messages(BLOCKED) + tg.bot_messages(FAILING))
            assert people(bot) == {
                f"tg:{DELIVERED}": (True, True, True),  # Telegram accepted it: noticed
                f"tg:{BLOCKED}": (False, True, False),
                f"tg:{FAILING}": (True, True, False),
            }

            in_8_days = (datetime.now(UTC) + timedelta(days=8)).replace(tzinfo=None).isoformat(timespec="minutes")
            out = retention(bot, "--at", in_8_days)
            assert "deleted 1: 1 after a delivered notice, 0 not reached in 60 days" in out
            assert "waiting for delivery: 1 notice(s)" in out and "cannot be reached (blocked the bot, or console): 1" in out
            assert set(people(bot)) == {f"tg:{BLOCKED}", f"tg:{FAILING}"}

            in_37_days = (datetime.now(UTC) + timedelta(days=37)).replace(tzinfo=None).isoformat(timespec="minutes")
            out = retention(bot, "--at", in_37_days)
            assert "deleted 2: 0 after a delivered notice, 2 not reached in 60 days" in out
            assert people(bot) == {}
        finally:
            bot.close()
