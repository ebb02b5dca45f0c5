"""What a companion turn cannot cost less than, on this stack and with its guarantees, measured
beside the echo bot and the companion in one run.

Why: issue 17 asks for turns at 0.11 of a bare echo bot's rate on SQLite. The echo bot parses an
update and sends one message. A companion turn must, at the least, also:

- make the Bot API calls the conversation needs: the replies (one to three messages, HTML,
  with their buttons) and, after a press, the old keyboard taken off;
- read every text with the safety detector, before anything else;
- commit the turn in a transaction of its own, and, after each message Telegram accepted,
  mark it sent in another (the outbox: that is what makes replies exactly-once across a
  crash, a restart or a redelivered update); a text's turn first reads the person's recent
  safety levels, so a crisis is answered even when the turn's transaction fails.

Each layer here adds one of these to the one before, with nothing else: no dialogue, no
templates, no statements but ``SELECT 1``:

1. ``telegram only``: the companion's own Bot API calls for the conversation, recorded from
   one companion round and replayed through python-telegram-bot, update by update;
2. ``+ safety``: the detector (``safety.assess``) on each text as well;
3. ``+ transactions``: as many transactions as the companion opens for the update (one for
   the turn, one a message sent, and the read before a text), each only ``SELECT 1``, on the
   same turn workers and the same ``Database`` (SQLite's ``BEGIN IMMEDIATE`` and writer
   lock; PostgreSQL's pool), then the companion itself on the same database. The same
   transactions run on the event loop itself show, by difference, what the trip to a worker
   thread and back costs (the companion keeps database work off the loop: a slow database
   must not stall every chat).

The conversation is ``bench_turns``'s (``ROUND``: a command, four texts, four presses), each
round fresh people, rounds interleaved, medians. Printed: turns a second, ms a turn, the share
of the echo bot, and what a turn at 0.11 of the echo bot would leave for the dialogue itself
(its statements, the engine, the templates, the encryption) above the floor.

Run: ``python bench/bench_floor.py`` (``--rounds N``); PostgreSQL as well when
``INNERCHILD_TEST_POSTGRES_URL`` names a server (a database made for the run, dropped after).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sqlalchemy import text as sql_text  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram.request import RequestData  # noqa: E402

import safety  # noqa: E402
from bench_turns import ROUND, Bot, Failures, OfflineRequest, application, companion_bot, echo_bot, make_runtime, onboard, postgres_url  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.storage import Database, new_key  # noqa: E402
from bot.telegram.workers import TurnWorkers  # noqa: E402

TARGET = 0.11  # issue 17: a turn on SQLite at this share of the echo bot's rate
PEOPLE = 15  # a round: this many people play the conversation once, on each bot
Call = tuple[str, dict[str, Any]]  # a Bot API method and its parameters


class Recording(OfflineRequest):
    """The Bot API in memory, writing down the calls it gets while ``made`` is a list."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[Call] | None = None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: object = None, write_timeout: object = None, connect_timeout: object = None, pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if self.made is not None and name not in ("getMe", "answerCallbackQuery"):  # a press's answer: the layers answer none
            self.made.append((name, dict(request_data.parameters) if request_data else {}))
        return await super().do_request(url, method, request_data)


async def record(runtime: Runtime, uid: int) -> list[list[Call]]:
    """The companion's Bot API calls for each update of one round, in order."""
    request = Recording()
    app, _ = companion_bot(runtime, request)
    await app.initialize()
    bot = Bot("companion", app, request, runtime)
    calls: list[list[Call]] = []
    for kind, value in ROUND:
        request.made = []
        await bot.send(uid, kind, value)
        calls.append(request.made)
    await app.shutdown()
    return calls


def keyboard(markup: object) -> InlineKeyboardMarkup | None:
    if not markup:
        return None
    rows = (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"]  # type: ignore[index]
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row] for row in rows])


def floor_bot(calls: list[list[Call]], *, assess: bool, database: Database | None, workers: TurnWorkers | None) -> Bot:
    """A bot that answers each update of the round with the companion's calls for it, and
    (``assess``) reads texts with the detector, (``database``) opening the companion's
    transactions, empty, on ``workers``."""
    request = OfflineRequest()
    app = application(request)
    played: dict[int, int] = {}

    def transaction() -> None:
        assert database is not None
        with database.connect() as connection:
            connection.execute(sql_text("SELECT 1"))

    def read() -> None:
        assert database is not None
        with database.read_connection() as connection:
            connection.execute(sql_text("SELECT 1"))

    async def in_worker(work: Callable[[], None]) -> None:
        if workers is None:  # on the event loop itself: what the trip to a worker costs, by difference
            work()
            return
        await workers.run(work)

    async def answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None:
            return
        index = played.get(user.id, 0)
        played[user.id] = index + 1
        message = update.message
        text = message.text if message is not None and message.text and not message.text.startswith("/") else None
        if text is not None and database is not None:
            await in_worker(read)  # the person's recent safety levels, before the detector
        if text is not None and assess:
            safety.assess(text)
        if database is not None:
            await in_worker(transaction)  # the turn
        for name, params in calls[index % len(calls)]:
            if name == "sendMessage":
                await app.bot.send_message(chat_id=user.id, text=params["text"], parse_mode=params.get("parse_mode"),
                                           reply_markup=keyboard(params.get("reply_markup")))
                if database is not None:
                    await in_worker(transaction)  # the outbox's mark: this message is out
            elif name == "editMessageReplyMarkup":
                await app.bot.edit_message_reply_markup(chat_id=user.id, message_id=int(params["message_id"]), reply_markup=None)
            elif name == "sendChatAction":
                await app.bot.send_chat_action(chat_id=user.id, action=params["action"])
            else:
                raise SystemExit(f"the companion made a call this bench does not replay: {name}")

    app.add_handler(MessageHandler(filters.ALL, answer))
    app.add_handler(CallbackQueryHandler(answer))
    return Bot("echo", app, request)  # "echo": a press carries its label, not the companion's data


async def main_async(rounds: int) -> None:
    failures = Failures()
    logging.getLogger().addHandler(failures)
    key = new_key()
    with tempfile.TemporaryDirectory() as tmp, postgres_url() as pg:
        backends = [("SQLite", f"sqlite:///{tmp}/floor.db")] + ([("PostgreSQL", pg)] if pg else [])
        runtimes = {name: make_runtime(url, Path(tmp) / name, key) for name, url in backends}
        uids = itertools.count(10_000)
        people = {name: [[next(uids) for _ in range(PEOPLE)] for _ in range(rounds + 1)] for name in runtimes}
        recorder = next(uids)
        for name, runtime in runtimes.items():
            onboard(runtime, [u for group in people[name] for u in group] + [recorder])
        calls = await record(runtimes["SQLite"], recorder)
        workers = {name: TurnWorkers(runtime.database.workers) for name, runtime in runtimes.items()}
        echo_app, echo_request = echo_bot()
        bots: dict[str, Bot] = {
            "echo bot": Bot("echo", echo_app, echo_request),
            "telegram only": floor_bot(calls, assess=False, database=None, workers=None),
            "+ safety": floor_bot(calls, assess=True, database=None, workers=None),
        }
        for name, runtime in runtimes.items():
            bots[f"+ transactions, {name}"] = floor_bot(calls, assess=True, database=runtime.database, workers=workers[name])
            bots[f"  the same on the loop, {name}"] = floor_bot(calls, assess=True, database=runtime.database, workers=None)
            app, request = companion_bot(runtime)
            bots[f"companion, {name}"] = Bot(name, app, request, runtime)
        for bot in bots.values():
            await bot.app.initialize()
        rates: dict[str, list[float]] = {name: [] for name in bots}
        for r in range(rounds + 1):  # round 0 warms up
            for name, bot in bots.items():
                backend = name.rsplit(", ", 1)[-1]
                group = people[backend][r] if name.startswith("companion") else [next(uids) for _ in range(PEOPLE)]
                elapsed = 0.0
                for uid in group:
                    elapsed += await bot.round(uid)
                if r:
                    rates[name].append(len(group) * len(ROUND) / elapsed)
        failures.check()
        echo = statistics.median(rates["echo bot"])
        budget = 1000 / (echo * TARGET)
        made = [len(c) for c in calls]
        print(f"floors under a turn, {rounds} interleaved rounds of {PEOPLE} people x {len(ROUND)} updates, medians "
              f"(the companion's Bot API calls a round: {sum(made)}, {made}):")
        for name in bots:
            rate = statistics.median(rates[name])
            print(f"  {name:<34} {rate:8,.0f} turns/s  {1000 / rate:6.2f} ms a turn  {rate / echo:6.3f} of the echo bot")
        for name in runtimes:
            floor = 1000 / statistics.median(rates[f"+ transactions, {name}"])
            on_loop = 1000 / statistics.median(rates[f"  the same on the loop, {name}"])
            trips = sum(1 + sum(n == "sendMessage" for n, _ in c) + (kind == "text" and not value.startswith("/")) for c, (kind, value) in zip(calls, ROUND, strict=True))
            print(f"  {name}: a trip to a turn worker and back costs about {1000 * (floor - on_loop) * len(ROUND) / trips:.0f} µs "
                  f"({trips} transactions a round, in workers against on the event loop)")
            print(f"  {name}: a turn at {TARGET} of the echo bot may take {budget:.2f} ms; the floor takes {floor:.2f} ms, "
                  f"leaving {budget - floor:.2f} ms for the dialogue itself")
        for bot in bots.values():
            await bot.app.shutdown()
        for pool in workers.values():
            pool.close()
        for runtime in runtimes.values():
            runtime.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main_async(args.rounds))


if __name__ == "__main__":
    main()
