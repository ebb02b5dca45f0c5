"""Memory follows who is active, not everyone who ever wrote (``bot/telegram/forget.py``).

python-telegram-bot notes the chat and user id of every handled update for a persistence,
and only a persistence empties those sets; this bot has none, so ``Forgetter`` empties them.
Measured with ``tracemalloc`` (what Python allocates, not the noisy RSS) on the real
Application (processor, ledger, adapter, sender) with 10,000 people writing once.

The companion is a stand-in here: it takes each person's turn without the database and
sends nothing, so ten thousand turns take seconds, not minutes. The companion keeps people
in the database; its one per-person structure in memory (``core.recent_texts``) and the
sender's pacing are capped and tested on their own.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import time
import tracemalloc

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.domain import Event, TurnResult
from bot.telegram import build_application
from bot.telegram.forget import ID_SETS, Forgetter, forget_ids

from .helpers import BOT_USER, message

PEOPLE = 10_000
MiB = 1024 * 1024
_people = itertools.count(5_000_000)


class Quiet(BaseRequest):
    """A Bot API that answers every call and keeps nothing (a recording one would grow)."""

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(self, url, method, request_data: RequestData | None = None, **_timeouts):
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        result: object = True
        if name == "getMe":
            result = BOT_USER
        elif name == "sendMessage":
            chat_id = int(params["chat_id"])
            result = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, "text": params["text"]}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def answer(event: Event) -> TurnResult:
    """The stand-in turn: nothing to send (a reply would wait on the overall rate limit,
    30 messages a second, and ten thousand of them take minutes)."""
    return TurnResult()


async def write_once(app, people: int) -> None:
    """``people`` new people each send one message, a few hundred at a time (as polling hands them over)."""
    for _ in range(people // 250):
        updates = [Update.de_json(message(next(_people), "hi"), app.bot) for _ in range(250)]
        await asyncio.wait_for(asyncio.gather(*(app.update_queue.put(u) for u in updates)), 60)


def traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_ten_thousand_people_writing_once_leave_memory_where_it_was(tg_runtime, monkeypatch) -> None:
    monkeypatch.setattr(tg_runtime.companion, "handle", answer)
    app = build_application(tg_runtime, request=Quiet(), pause=0)
    monkeypatch.setattr(app.bot_data["adapter"].outbox, "claim", lambda user: [])  # nothing waits: the stand-in keeps no outbox
    kept, noted = asyncio.run(measure(app))
    assert noted == 2 * PEOPLE  # PTB noted every chat and user: the test meets what it guards against
    assert kept < MiB / 2, f"{kept / MiB:.2f} MiB kept after {PEOPLE} people wrote once"  # PTB's sets alone hold ~1.3 MiB


async def measure(app) -> tuple[int, int]:
    """Bytes still allocated after ``PEOPLE`` new people wrote once and the sets were
    emptied, and how many ids the emptying found."""
    await app.initialize()
    await app.start()
    try:
        await write_once(app, 500)  # caches and pools warm
        forget_ids(app)
        tracemalloc.start()
        try:
            start = traced()
            await write_once(app, PEOPLE)
            noted = forget_ids(app)
            return traced() - start, noted
        finally:
            tracemalloc.stop()
    finally:
        await app.stop()
        await app.shutdown()


def test_the_forgetter_empties_the_sets_on_its_own(tg_runtime, monkeypatch) -> None:
    monkeypatch.setattr(tg_runtime.companion, "handle", answer)
    app = build_application(tg_runtime, request=Quiet(), pause=0)
    monkeypatch.setattr(app.bot_data["adapter"].outbox, "claim", lambda user: [])
    asyncio.run(forgotten(app))


async def forgotten(app) -> None:
    await app.initialize()
    await app.start()
    forgetter = Forgetter(app, every=0.01)
    forgetter.start()
    try:
        await write_once(app, 250)
        deadline = time.monotonic() + 10
        while any(getattr(app, name) for name in ID_SETS) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not any(getattr(app, name) for name in ID_SETS)
    finally:
        await forgetter.stop()
        await app.stop()
        await app.shutdown()


def test_the_sets_are_ptbs_and_left_to_a_persistence(tg_runtime) -> None:
    """The names are PTB's own (an upgrade that renames them fails here, not by leaking),
    and with a persistence configured they are PTB's to empty."""
    app = build_application(tg_runtime, request=Quiet(), pause=0)
    for name in ID_SETS:
        assert isinstance(getattr(app, name), set), name
    app._user_ids_to_be_updated_in_persistence.add(1)
    app.persistence = object()  # type: ignore[assignment]  # what PTB checks: is one configured
    assert forget_ids(app) == 0 and app._user_ids_to_be_updated_in_persistence == {1}
    app.persistence = None
    assert forget_ids(app) == 1 and not app._user_ids_to_be_updated_in_persistence
