"""One sending budget for every process: two bots on one database, against the fake Bot API.

Two Applications (each with its own engine, loop and thread, as two processes would have)
send at the same moment: each a reply to 40 chats of its own, and both three replies to
one shared chat, with "typing..." before those. Telegram allows about 30 messages a second
in all and about one a second per chat, counted over the whole bot. The fake records when
each call arrived:

- in no one-second window do more than 30 calls in a chat arrive (messages and chat
  actions, from both bots together), though without the budget they all go at once;
- the shared chat gets its small burst, then about one a second: its six messages span
  at least three seconds, though each bot alone would send its three within two.

Waits are for conditions; the only timing asserted is what the budget guarantees.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.domain import Reply
from bot.telegram.application import CHAT_BURST, build_application
from tests.conftest import FakeClock, build_runtime
from tests.fakes import FakeBotAPI

from .e2e import TOKEN

pytestmark = pytest.mark.timeout(120)

OWN = 40  # chats each bot writes to alone
SHARED = 7_000  # the chat both bots write to
EACH = 3  # replies each bot sends the shared chat
PAUSE = 1.0  # INNERCHILD_MESSAGE_PAUSE: about one message a second per chat
LIMIT = 30  # Telegram: about 30 messages a second in all


def test_two_bots_on_one_database_share_one_budget(db_url, tmp_path) -> None:
    with FakeBotAPI(token=TOKEN) as tg:
        chats = {"a": list(range(7_100, 7_100 + OWN)), "b": list(range(7_200, 7_200 + OWN))}
        for user in [SHARED, *chats["a"], *chats["b"]]:
            tg.send_text(user, "hi")  # the person wrote first, so the chat exists
        runtimes = {
            label: build_runtime(db_url, FakeClock(), tmp_path / label, telegram_token=TOKEN,
                                 telegram_base_url=tg.base_url_via(label), message_pause=PAUSE)
            for label in ("a", "b")
        }
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        async def bot(label: str) -> None:
            app = build_application(runtimes[label])
            await app.initialize()
            try:
                adapter = app.bot_data["adapter"]

                async def shared() -> None:  # an answer: "typing..." before each bubble
                    await adapter.sender.send(SHARED, [Reply(f"{label} {n}") for n in range(EACH)])

                await asyncio.to_thread(start.wait)
                await asyncio.gather(shared(), *(adapter.deliver(f"tg:{chat}", [Reply(f"from {label}")]) for chat in chats[label]))
            finally:
                await app.shutdown()

        def run(label: str) -> None:
            try:
                asyncio.run(bot(label))
            except BaseException as exc:  # reported by the test
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(label,)) for label in ("a", "b")]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=90)
        finally:
            for runtime in runtimes.values():
                runtime.database.dispose()
        assert not errors, errors

        in_chats = [c for c in tg.calls() if "chat_id" in c.params]
        messages = [c for c in in_chats if c.method == "sendMessage"]
        assert len(messages) == 2 * OWN + 2 * EACH and all(c.status == 200 for c in messages)
        assert {c.via for c in messages} == {"a", "b"}
        times = sorted(c.time for c in in_chats)
        busiest = max(sum(1 for t in times[i:] if t < start_ + 1.0) for i, start_ in enumerate(times))
        assert busiest <= LIMIT, f"{busiest} calls in one second"
        assert times[-1] - times[0] >= (len(times) - LIMIT) / LIMIT  # they were spread out, not refused

        shared_times = sorted(c.time for c in messages if c.params["chat_id"] == SHARED)
        assert shared_times[-1] - shared_times[0] >= (2 * EACH - CHAT_BURST) * PAUSE * 0.9
        for i, first in enumerate(shared_times):
            assert sum(1 for t in shared_times[i:] if t < first + PAUSE * 0.9) <= CHAT_BURST
        assert not [c for c in in_chats if c.method == "sendChatAction" and c.params["chat_id"] != SHARED]  # deliveries: no typing
