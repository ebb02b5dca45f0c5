"""The cost of one turn, offline: updates through python-telegram-bot's ``process_update``,
the real adapter, companion and database, and a fake Bot API in memory (no network, no
pacing, no rate limiter), against a bare echo bot in the same run.

A turn here is what one update costs from arrival to its last Bot API call: the safety
assessment, the transaction, the outbox and its drain, the keyboard taken off a pressed
message. The conversation is the first letter (``first_letter``: it reads two journal keys
back), nine updates a round (a command, four texts, four button presses), played by onboarded
people, one update after another (the cost of a turn, not the tail: ``bench_tail.py``).

Printed, each measured in one run with the rounds interleaved (medians):

- turns per second: the echo bot, the companion on SQLite (a file) and, when
  ``INNERCHILD_TEST_POSTGRES_URL`` names a server, on PostgreSQL (a database made for the run
  and dropped after), and each as a share of the echo bot;
- a round's cost for a person with 1,000 journal entries (all under the keys this
  conversation reads: the worst case) against a new person's, on each backend;
- SQL statements and transactions per turn (the replies' sending included), by kind of update.

Run: ``python bench/bench_turns.py`` (``--rounds N``, ``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402 - bulk loading and counting only
from telegram import Update  # noqa: E402
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.storage import JournalEntry, Person, new_key  # noqa: E402
from bot.telegram.handlers import TelegramAdapter, TelegramApp  # noqa: E402
from bot.telegram.processor import PersonLocks  # noqa: E402
from bot.telegram.sender import Sender  # noqa: E402
from bot.telegram.workers import TurnWorkers  # noqa: E402

TOKEN = "123:ABC"
BOT_USER = {"id": 123, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
HISTORY = 1_000  # journal entries of the person with a history
LETTER = "Dear Little Sam, I see you. I see how hard you tried to be good so nobody would be cross."
MORE = "You didn't have to earn being loved. I'm here now, and I'm not going anywhere."
NOTICE = "It sounds like something I'd say to a friend's child. I never say it to me."
ROOM = "The window, it's raining"
# One round of the conversation: ("text", words) is typed, ("press", label) presses the button
# with that label under the last message (the step count in its data comes from the bot).
ROUND: tuple[tuple[str, str], ...] = (
    ("text", "/start first_letter"),
    ("press", "Ready enough"),
    ("press", "I see you"),
    ("text", LETTER),
    ("text", MORE),
    ("press", "That's all"),
    ("press", "Yes, show me"),
    ("text", NOTICE),
    ("text", ROOM),
)
_ids = itertools.count(1_000)


class Failures(logging.Handler):
    """A turn that failed is logged (by class) and answered with an apology: a bench that
    timed apologies would time the wrong thing, so any such record stops it."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())

    def check(self) -> None:
        if self.seen:
            raise SystemExit(f"{len(self.seen)} turn(s) failed, first: {self.seen[0]}")


class OfflineRequest(BaseRequest):
    """The Bot API in memory: every call succeeds at once; the last keyboard sent to each
    chat is kept, so the bench presses what a person would see."""

    def __init__(self) -> None:
        self.keyboards: dict[int, list[dict[str, str]]] = {}
        self.calls = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: object = None, write_timeout: object = None, connect_timeout: object = None, pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        self.calls += 1
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        result: object = True
        if name == "getMe":
            result = BOT_USER
        elif name in ("sendMessage", "editMessageReplyMarkup"):
            chat_id = int(params["chat_id"])
            markup = params.get("reply_markup")
            if name == "sendMessage" and markup:
                rows = json.loads(markup)["inline_keyboard"] if isinstance(markup, str) else markup["inline_keyboard"]
                self.keyboards[chat_id] = [button for row in rows for button in row]
            result = {"message_id": params.get("message_id") or next(_ids), "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, "text": params.get("text", "")}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def data_of(self, chat_id: int, label: str) -> str:
        for button in self.keyboards.get(chat_id, []):
            if button["text"] == label:
                return button["callback_data"]
        raise LookupError(f"no button {label!r} under the last message to {chat_id}: {self.keyboards.get(chat_id)}")


def _user(uid: int) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": "Sam", "language_code": "en"}


def text_update(uid: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {"message_id": next(_ids), "date": int(time.time()), "from": _user(uid),
                            "chat": {"id": uid, "type": "private", "first_name": "Sam"}, "text": text}
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}]
    return {"update_id": next(_ids), "message": body}


def press_update(uid: int, data: str) -> dict[str, Any]:
    shown = {"message_id": next(_ids), "date": int(time.time()), "chat": {"id": uid, "type": "private", "first_name": "Sam"},
             "from": BOT_USER, "text": "...", "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}}
    return {"update_id": next(_ids), "callback_query": {"id": str(next(_ids)), "from": _user(uid), "chat_instance": "1",
                                                       "data": data, "message": shown}}


# -- the two bots ------------------------------------------------------------------------------
def application(request: OfflineRequest) -> TelegramApp:
    return Application.builder().token(TOKEN).request(request).get_updates_request(request).updater(None).job_queue(None).build()


def companion_bot(runtime: Runtime, request: OfflineRequest | None = None) -> tuple[TelegramApp, OfflineRequest]:
    """The adapter's own handlers on a plain Application: what ``build_application`` wires,
    without the update queue, the per-person processor and the rate limiter (``process_update``
    bypasses the first two; the third would pace the bench at 30 messages a second)."""
    request = request or OfflineRequest()
    app = application(request)
    outbox = runtime.companion.start_outbox(owner=f"bench:{os.getpid()}")
    TelegramAdapter(runtime.companion, Sender(app.bot, pause=0), PersonLocks(), outbox, TurnWorkers(runtime.database.workers)).register(app)
    return app, request


def echo_bot() -> tuple[TelegramApp, OfflineRequest]:
    """The least a bot can do with an update: say something back."""
    request = OfflineRequest()
    app = application(request)

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await update.effective_chat.send_message(update.effective_message.text if update.effective_message and update.effective_message.text else "ok")

    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(echo))
    return app, request


# -- databases and people --------------------------------------------------------------------------
@contextmanager
def postgres_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this run (dropped after), when a server is named."""
    admin = os.environ.get("INNERCHILD_TEST_POSTGRES_URL", "")
    if not admin:
        yield None
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    name = f"innerchild_bench_{uuid.uuid4().hex[:8]}"
    info: dict[str, Any] = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", dbname=url.database or "postgres")
    if url.password:
        info["password"] = url.password
    with psycopg.connect(**info, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**info, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Clock:
    """The companion's clock: twenty seconds on per update (``tick``), as a person types."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        self.now += timedelta(seconds=20)


def make_runtime(url: str, tmp: Path, key: str) -> Runtime:
    settings = Settings(database_url=url, data_dir=tmp, encryption_key=key, _env_file=None)  # type: ignore[call-arg]  # a pydantic-settings option mypy cannot see
    runtime = build(settings, migrate=True)
    runtime.companion.clock = Clock()
    return runtime


def tick(runtime: Runtime | None) -> None:
    if runtime is not None and isinstance(runtime.companion.clock, Clock):
        runtime.companion.clock.tick()


def onboard(runtime: Runtime, uids: list[int], *, history: int = 0) -> None:
    """People who went through onboarding (consent, names, country); ``history`` journal
    entries each, every one under a key the first letter reads back."""
    now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    with runtime.database.transaction() as repo:
        people = [Person(external_id=f"tg:{uid}", created_at=now, last_seen_at=now, active=True, consent_version=runtime.companion.consent_version,
                         consented_at=now, adult=True, name="Sam", child_name="Little Sam", country="GB", timezone="Europe/London", recent_safety=[])
                  for uid in uids]
        repo.session.add_all(people)
        repo.session.flush()
        if history:
            rows = [dict(person_id=p.id, dialogue_id="first_letter", key=("first_letter", "younger_needs_to_hear")[i % 2],
                         text=f"{LETTER} ({i})", created_at=now + timedelta(minutes=i)) for p in people for i in range(history)]
            repo.session.execute(insert(JournalEntry), rows)


# -- playing ------------------------------------------------------------------------------------
@dataclass
class Bot:
    name: str
    app: TelegramApp
    request: OfflineRequest
    runtime: Runtime | None = None  # the companion's (its clock moves on with each update)

    async def round(self, uid: int) -> float:
        """One round of the conversation for ``uid``; its wall time in seconds."""
        started = time.perf_counter()
        for kind, value in ROUND:
            await self.send(uid, kind, value)
        return time.perf_counter() - started

    async def send(self, uid: int, kind: str, value: str) -> None:
        if kind == "text":
            body = text_update(uid, value)
        else:
            body = press_update(uid, self.request.data_of(uid, value) if self.name != "echo" else value[:60])
        tick(self.runtime)
        await self.app.process_update(Update.de_json(body, self.app.bot))


class Statements:
    """SQL statements sent to the database and transactions begun, while counting."""

    def __init__(self, runtime: Runtime) -> None:
        self.engine = runtime.database.engine
        self.statements = self.transactions = 0
        event.listen(self.engine, "before_cursor_execute", self.statement)
        event.listen(self.engine, "begin", self.begin)

    def statement(self, *_args: object) -> None:
        self.statements += 1

    def begin(self, *_args: object) -> None:
        self.transactions += 1

    def take(self) -> tuple[int, int]:
        counted = (self.statements, self.transactions)
        self.statements = self.transactions = 0
        return counted

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.statement)
        event.remove(self.engine, "begin", self.begin)


async def statements_per_turn(bot: Bot, runtime: Runtime, uid: int) -> dict[str, tuple[float, float]]:
    """SQL statements and transactions by kind of update, over one round of a new person."""
    counter = Statements(runtime)
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for kind, value in ROUND:
        await bot.send(uid, kind, value)
        label = "command" if value.startswith("/") else kind
        by_kind.setdefault(label, []).append(counter.take())
    counter.close()
    return {kind: (statistics.mean(v[0] for v in values), statistics.mean(v[1] for v in values)) for kind, values in by_kind.items()}


def median(values: list[float]) -> float:
    return statistics.median(values)


async def main_async(rounds: int, people_per_round: int) -> None:
    failures = Failures()
    logging.getLogger().addHandler(failures)
    key = new_key()
    with tempfile.TemporaryDirectory() as tmp, postgres_url() as pg:
        backends = [("SQLite", f"sqlite:///{tmp}/bench.db")] + ([("PostgreSQL", pg)] if pg else [])
        runtimes = {name: make_runtime(url, Path(tmp) / name, key) for name, url in backends}
        uids = itertools.count(10_000)
        bots: dict[str, Bot] = {}
        echo_app, echo_request = echo_bot()
        bots["echo"] = Bot("echo", echo_app, echo_request)
        for name, runtime in runtimes.items():
            app, request = companion_bot(runtime)
            bots[name] = Bot(name, app, request, runtime)
        for bot in bots.values():
            await bot.app.initialize()
        # each round: a few new people each play the conversation once, on every bot in turn
        plan = {name: [[next(uids) for _ in range(people_per_round)] for _ in range(rounds + 1)] for name in bots}
        pairs = max(3, people_per_round // 4)  # a new person and one with a history, in turn
        fresh = {name: [[next(uids) for _ in range(pairs)] for _ in range(rounds + 1)] for name in runtimes}
        heavy = {name: [[next(uids) for _ in range(pairs)] for _ in range(rounds + 1)] for name in runtimes}
        counted = next(uids)
        for name, runtime in runtimes.items():
            onboard(runtime, [u for r in plan[name] for u in r] + [u for r in fresh[name] for u in r] + [counted])
            onboard(runtime, [u for r in heavy[name] for u in r], history=HISTORY)
        rates: dict[str, list[float]] = {name: [] for name in bots}
        costs: dict[str, dict[str, list[float]]] = {name: {"new": [], "history": []} for name in runtimes}
        for r in range(rounds + 1):  # round 0 warms up
            for name, bot in bots.items():
                elapsed = 0.0
                for uid in plan[name][r]:
                    elapsed += await bot.round(uid)
                if r:
                    rates[name].append(people_per_round * len(ROUND) / elapsed)
            for name in runtimes:
                new = old = 0.0
                for young, long in zip(fresh[name][r], heavy[name][r], strict=True):
                    new += await bots[name].round(young)
                    old += await bots[name].round(long)
                if r:
                    costs[name]["new"].append(new / pairs)
                    costs[name]["history"].append(old / pairs)
        failures.check()
        echo = median(rates["echo"])
        print(f"offline turns through process_update, {rounds} interleaved rounds of {people_per_round} people x {len(ROUND)} updates, medians:")
        print(f"  bare echo bot          {echo:8,.0f} turns/s")
        for name in runtimes:
            rate = median(rates[name])
            print(f"  companion, {name:<11} {rate:8,.0f} turns/s  ({1000 / rate:.2f} ms a turn; {rate / echo:.3f} of the echo bot)")
        print(f"a round ({len(ROUND)} turns) for a person with {HISTORY:,} journal entries against a new person's, {pairs} of each a round, medians:")
        for name in runtimes:
            new, old = median(costs[name]["new"]), median(costs[name]["history"])
            print(f"  {name:<11} new {1000 * new / len(ROUND):.2f} ms a turn, with {HISTORY:,} entries {1000 * old / len(ROUND):.2f} ms a turn: {old / new:.2f}x")
        for name, runtime in runtimes.items():
            per = await statements_per_turn(bots[name], runtime, counted)
            print(f"  {name}, a turn (its replies sent): " + ", ".join(f"{kind} {n:.1f} statements in {t:.1f} transactions" for kind, (n, t) in per.items()))
        failures.check()
        for bot in bots.values():
            await bot.app.shutdown()
        for runtime in runtimes.values():
            runtime.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--people", type=int, default=20, help="people a round, each playing the conversation once")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 5 people")
    args = parser.parse_args()
    rounds, people = (3, 5) if args.quick else (args.rounds, args.people)
    asyncio.run(main_async(rounds, people))


if __name__ == "__main__":
    main()
