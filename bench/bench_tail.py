"""A turn's latency, p50 and p99, with one person and with six people writing at once.

A person writes ``/start safety_plan``, presses the first button, answers in free text, again
and again, and after each turn the adapter's outbox bookkeeping runs on the same workers
(claim the bubbles, mark each sent). A turn's latency is what the Telegram adapter awaits:
from handing the turn to its workers until it has committed, queueing included; "in worker"
is the turn alone, without the wait for a free worker (what the issue measured as "6
concurrent workers": six threads each timing its own turns). Loads:

- ``alone``: one person, writing again as soon as answered;
- ``6 at once``: six people, each writing again as soon as answered (a closed loop: the
  queue is as long as it can be, so a turn waits for about five others when one writes at a
  time);
- ``6 pausing``: six people, each pausing a random while (exponential, mean
  ``PAUSE_MS``) before writing again: collisions are frequent, but the workers are not
  saturated (people in Telegram pause seconds, not a tenth of one).

Modes, compared in one run on the same database, rounds interleaved in a shuffled order,
fresh people every round:

- ``before``: how turns ran until now: ``asyncio.to_thread`` (the default executor, cpu + 4
  threads), SQLite transactions begun by the driver at the first write, ``synchronous=FULL``,
  SQLite's busy handler deciding who writes next; PostgreSQL's pool at 5 + 5;
- ``lock only`` (SQLite): still ``asyncio.to_thread``, with the writer lock (first come first
  served) and ``BEGIN IMMEDIATE`` and ``synchronous=NORMAL``;
- ``after``: as shipped: the adapter's ``TurnWorkers`` (``Database.workers`` threads: one on
  SQLite; on PostgreSQL one per pooled connection kept for turns), the writer lock,
  ``BEGIN IMMEDIATE``, ``synchronous=NORMAL``.

The rounds are short (a few seconds) and interleaved (each load, every mode in a shuffled
order, back to back), so a busy moment of a shared machine falls on every mode alike; each
figure is a percentile of all turns of all rounds, "worst" the slowest. SQLite on a file in a temporary folder; PostgreSQL when
``INNERCHILD_TEST_POSTGRES_URL`` names a server (a database made for the run, dropped after
it). Run: ``python bench/bench_tail.py [rounds]``.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event  # noqa: E402 - to rebuild the engine as it was before
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.engine.interfaces import DBAPIConnection  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core import Companion, Deliveries  # noqa: E402
from bot.domain import Event, EventKind, TurnResult  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.storage import Database, Waiting, new_key  # noqa: E402
from bot.storage.database import TURN_WORKERS  # noqa: E402
from bot.storage.writer import NoLock  # noqa: E402
from bot.telegram.workers import TurnWorkers  # noqa: E402

P = ParamSpec("P")
T = TypeVar("T")

ROUNDS = 12  # short rounds of every mode and load, interleaved
TURNS_ALONE = 30  # turns per round for one person
TURNS_EACH = 12  # turns per round for each of six people
PAUSE_MS = 100.0  # "6 pausing": mean pause before a person writes again
TARGET_P99_MS = 15.0


@dataclass(frozen=True)
class Load:
    name: str
    people: int
    turns: int
    pause: float  # seconds, mean; 0 writes again at once


LOADS = (Load("alone", 1, TURNS_ALONE, 0.0), Load("6 at once", 6, TURNS_EACH, 0.0), Load("6 pausing", 6, TURNS_EACH, PAUSE_MS / 1000))


class DefaultExecutor(TurnWorkers):
    """How the adapter ran turns before: ``asyncio.to_thread``."""

    def __init__(self) -> None:
        super().__init__(1)

    async def run(self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.to_thread(function, *args, **kwargs)


def _old_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def as_before(url: str) -> Database:
    """The database as it was opened until now (see the module docstring)."""
    database = Database(url)
    database.engine.dispose()
    if database.is_sqlite:
        engine = create_engine(database.url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _old_pragmas)
    else:
        engine = create_engine(database.url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    database.engine = engine
    database._sessions = sessionmaker(engine, expire_on_commit=False)
    database._writer = NoLock()
    return database


@dataclass
class Samples:
    """One round's turns: latency (queueing included) and the turn alone, in seconds."""

    latency: list[float] = field(default_factory=list)
    in_worker: list[float] = field(default_factory=list)


@dataclass
class Mode:
    name: str
    database: Database
    workers: TurnWorkers
    outbox: Deliveries
    rounds: dict[str, list[Samples]] = field(default_factory=lambda: {load.name: [] for load in LOADS})


class Bench:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.companion: Companion = runtime.companion
        self.modes: list[Mode] = []
        self.serial = 0
        self.random = random.Random(17)

    def add(self, name: str, database: Database, workers: TurnWorkers) -> None:
        self.modes.append(Mode(name, database, workers, Deliveries(database, self.companion.clock, f"bench:{name}")))

    def use(self, mode: Mode) -> None:
        """The companion on this mode's database, its replies in this mode's outbox."""
        self.companion.db = mode.database
        mode.outbox = self.companion.start_outbox(f"bench:{mode.name}")

    async def turn(self, mode: Mode, event: Event, samples: Samples | None) -> list[Waiting]:
        """One turn as the adapter runs it, then the outbox bookkeeping after it."""
        companion = self.companion

        def handle() -> TurnResult:
            started = time.perf_counter()
            try:
                return companion.handle(event)
            finally:
                if samples is not None:
                    samples.in_worker.append(time.perf_counter() - started)

        started = time.perf_counter()
        await mode.workers.run(handle)
        if samples is not None:
            samples.latency.append(time.perf_counter() - started)
        waiting = mode.outbox.handed_over(event.user)  # as the adapter: a claim made with the turn, on the loop
        if waiting is None:
            waiting = await mode.workers.run(mode.outbox.claim, event.user)
        for bubble in waiting:
            await mode.workers.run(mode.outbox.sent, bubble.id)
        return waiting

    async def onboard(self, mode: Mode, user: str) -> None:
        for _ in range(4):  # welcome, what this is, age, consent: the first button each time
            waiting = await self.turn(mode, Event(user, EventKind.OPEN), None)
            await self.turn(mode, Event(user, EventKind.BUTTON, data=waiting[-1].reply.buttons[0].data), None)

    async def person(self, mode: Mode, user: str, load: Load, samples: Samples) -> None:
        pauses = random.Random(user)
        waiting: list[Waiting] = []
        for index in range(load.turns):
            if load.pause:
                await asyncio.sleep(pauses.expovariate(1 / load.pause))
            match index % 3:
                case 0:
                    event = Event(user, EventKind.COMMAND, text="/start", args="safety_plan")
                case 1:
                    event = Event(user, EventKind.BUTTON, data=waiting[-1].reply.buttons[0].data)
                case _:
                    event = Event(user, EventKind.TEXT, text="When I stop answering messages from friends")
            waiting = await self.turn(mode, event, samples)

    async def round(self, mode: Mode, load: Load, *, keep: bool = True) -> None:
        self.use(mode)  # replies commit with their turn, as in the Telegram adapter
        users = []
        for _ in range(load.people):
            self.serial += 1
            users.append(f"console:tail-{self.serial}")
        for user in users:
            await self.onboard(mode, user)
        samples = Samples()
        await asyncio.gather(*(self.person(mode, user, load, samples) for user in users))
        if keep:
            mode.rounds[load.name].append(samples)

    async def measure(self, rounds: int) -> None:
        for mode in self.modes:  # warm-up: caches, the first compiled statements, the threads
            await self.round(mode, LOADS[0], keep=False)
        for _ in range(rounds):  # each load, every mode in a shuffled order, back to back
            for load in self.random.sample(LOADS, len(LOADS)):
                for mode in self.random.sample(self.modes, len(self.modes)):
                    await self.round(mode, load)


def percentile(values: list[float], share: float) -> float:
    """Milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def figure(rounds: list[Samples], pick: Callable[[Samples], list[float]], share: float) -> float:
    """A percentile of every turn of every round, in milliseconds (the rounds are short and
    interleaved, so a busy moment of the machine falls on every mode alike)."""
    return percentile([value for samples in rounds for value in pick(samples)], share)


def latency(samples: Samples) -> list[float]:
    return samples.latency


def in_worker(samples: Samples) -> list[float]:
    return samples.in_worker


def p99(mode: Mode, load: Load, pick: Callable[[Samples], list[float]] = latency) -> float:
    return figure(mode.rounds[load.name], pick, 0.99)


def report(backend: str, bench: Bench) -> None:
    print(f"\n{backend}: a turn in ms (latency: queueing included; in worker: the turn alone)")
    print("| mode | load | turns | p50 | p99 | worst | in worker p50 | in worker p99 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for mode in bench.modes:
        for load in LOADS:
            rounds = mode.rounds[load.name]
            worst = max(max(samples.latency) for samples in rounds) * 1000
            print(f"| {mode.name} | {load.name} | {sum(len(r.latency) for r in rounds)} | {figure(rounds, latency, 0.5):.1f} | "
                  f"{figure(rounds, latency, 0.99):.1f} | {worst:.1f} | {figure(rounds, in_worker, 0.5):.1f} | {figure(rounds, in_worker, 0.99):.1f} |")
    before, after = bench.modes[0], bench.modes[-1]
    alone, closed, pausing = LOADS
    print(f"{backend}, p99 {after.name} / {before.name}: " + ", ".join(
        f"{load.name} {p99(after, load) / p99(before, load):.2f}" for load in LOADS)
        + f"; in worker, 6 at once {p99(after, closed, in_worker) / p99(before, closed, in_worker):.2f}")
    print(f"{backend}, {after.name}, p99 with 6 people / alone: 6 pausing {p99(after, pausing) / p99(after, alone):.2f}, "
          f"6 at once {p99(after, closed) / p99(after, alone):.2f}, in worker 6 at once {p99(after, closed, in_worker) / p99(after, alone, in_worker):.2f}")
    for name, value in (("6 pausing", p99(after, pausing)), ("6 at once", p99(after, closed)), ("6 at once, in worker", p99(after, closed, in_worker))):
        print(f"{backend}, {after.name}, target p99 <= {TARGET_P99_MS:.0f} ms, {name}: {value:.1f} ms, {'met' if value <= TARGET_P99_MS else 'NOT met'}")


def make_runtime(url: str, tmp: Path) -> Runtime:
    settings = Settings(database_url=url, data_dir=tmp, encryption_key=new_key(), _env_file=None)  # type: ignore[call-arg]  # a pydantic-settings option mypy cannot see
    return build(settings, migrate=True)


async def run_backend(backend: str, url: str, tmp: Path, rounds: int) -> None:
    runtime = make_runtime(url, tmp)
    bench = Bench(runtime)
    bench.add("before", as_before(url), DefaultExecutor())
    if runtime.database.is_sqlite:
        bench.add("lock only", Database(url), DefaultExecutor())
    bench.add("after", runtime.database, TurnWorkers(runtime.database.workers))
    try:
        await bench.measure(rounds)
    finally:
        for mode in bench.modes:
            mode.workers.close()
            mode.database.dispose()
    report(backend, bench)


@contextmanager
def postgres_url() -> Iterator[str | None]:
    """A database made for this run on the server ``INNERCHILD_TEST_POSTGRES_URL`` names."""
    admin = os.environ.get("INNERCHILD_TEST_POSTGRES_URL", "")
    if not admin:
        yield None
        return
    import psycopg

    url = make_url(admin)
    info: dict[str, Any] = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", dbname=url.database or "postgres")
    if url.password:
        info["password"] = url.password
    name = f"innerchild_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**info, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**info, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(rounds: int = ROUNDS) -> None:
    print(f"{rounds} rounds; per round and mode: {TURNS_ALONE} turns alone, {TURNS_EACH} turns each for six people; "
          f"6 pausing: mean pause {PAUSE_MS:.0f} ms; PostgreSQL turn workers {TURN_WORKERS}")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_backend("SQLite", f"sqlite:///{tmp}/bench.db", Path(tmp), rounds))
    with postgres_url() as url, tempfile.TemporaryDirectory() as tmp:
        if url is None:
            print("\nPostgreSQL: skipped (set INNERCHILD_TEST_POSTGRES_URL to a server)")
        else:
            asyncio.run(run_backend("PostgreSQL", url, Path(tmp), rounds))
    print("\nload average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)
