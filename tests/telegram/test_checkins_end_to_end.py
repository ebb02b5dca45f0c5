"""A check-in end to end in Telegram, in real time: set for the coming minute, the bot
restarted just before it, and the nudge arrives exactly once."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import FakeBotAPI

from .e2e import TOKEN, BotProcess, mentions, onboarded, texts

pytestmark = pytest.mark.timeout(240)
NUDGE = "How are you, right now?"


def test_a_check_in_set_for_the_coming_minute_arrives_once_across_a_restart(tmp_path):
    with FakeBotAPI(token=TOKEN) as tg:
        bot = BotProcess(tg, tmp_path, INNERCHILD_CHECKIN_SWEEP_SECONDS="1").start()
        try:
            sam = onboarded(tg, 301, city="UTC")
            sam.say("/checkins", until=mentions("check in with you"))
            sam.tap("Set them up")
            sam.tap("Every day", until=mentions("What time of day"))
            slot = (datetime.now(UTC) + timedelta(seconds=45)).replace(second=0, microsecond=0) + timedelta(minutes=1)
            sam.say(slot.strftime("%H:%M"), until=mentions("time zone, UTC"))
            sam.tap("That's right", until=mentions("quiet hours"))
            done = sam.tap("No quiet hours", until=mentions("All set"))
            assert "every day" in texts(done)

            # Restart just before the minute.
            time.sleep(max(0.0, (slot - datetime.now(UTC)).total_seconds() - 8))
            assert not any(NUDGE in m.text for m in sam.messages()), "sent before its time"
            bot.signal(signal.SIGTERM)
            assert bot.wait(30) == 0
            bot.start()

            tg.wait_for(lambda msgs: any(NUDGE in m.text for m in msgs), sam.id, timeout=60)
            arrived = datetime.now(UTC)
            assert arrived >= slot
            time.sleep(5)  # several more sweeps: nothing is sent twice
            nudges = [m for m in sam.messages() if NUDGE in m.text]
            assert len(nudges) == 1
            assert "Not now" in [label for label, _ in nudges[0].buttons]
        finally:
            bot.close()
