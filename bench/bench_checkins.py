"""The cost of check-in sweeps: 100,000 people registered, and up to 30,000 due at one minute.

1. A sweep with 100,000 people registered (SQLite file), 1,000 of them due at the same
   minute: a sweep when no one is due (the query every tick pays), the operator's
   ``checkins due`` view, and a sweep that claims, composes (a companion turn each) and
   records those 1,000 nudges.
2. The claim query with 1,000 / 10,000 / 30,000 due at the same minute, on SQLite and (when
   ``INNERCHILD_BENCH_POSTGRES_URL`` or ``INNERCHILD_TEST_POSTGRES_URL`` names a server)
   PostgreSQL: the index before 0008, (enabled, next_due_at), against 0008's (enabled,
   next_due_at, person_id), in interleaved rounds (medians), with the ratio.
3. 30,000 due at one minute claimed and marked as a sweep takes them (one a transaction on
   SQLite, ``service.BATCH`` a transaction on PostgreSQL), for up to a minute: how many, and
   what the claim queries cost as they go; on PostgreSQL, one a transaction beside it.
4. PostgreSQL: a sweep composing 2,000 nudges (a companion turn each), in batches against one
   a transaction, interleaved.

Prints milliseconds and ratios measured in one run. Run: ``python bench/bench_checkins.py``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bulk loading and index switching only; the code under test never imports these here
from sqlalchemy import create_engine, insert, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.app import build  # noqa: E402
from bot.checkins import service as checkin_service  # noqa: E402
from bot.checkins import service_for  # noqa: E402
from bot.checkins.actions import rhythm_of  # noqa: E402
from bot.checkins.schedule import next_slot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.storage import Person, new_key  # noqa: E402
from bot.storage import checkins as store  # noqa: E402
from bot.storage.checkin_models import CheckinSettings  # noqa: E402

PEOPLE = 100_000
AT_ONCE = 1_000
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
BURST = datetime(2026, 1, 15, 20, 30, tzinfo=UTC)
DUE = (1_000, 10_000, 30_000)  # due at the same minute (the first N people)
ROUNDS = 3  # claim-query rounds per index, interleaved
TIMES = 15  # claim queries per measurement
MINUTE = 60.0  # seconds section 3 may run
INDEXES = {
    "before 0008": ("ix_checkin_settings_due", "enabled, next_due_at"),
    "0008": ("ix_checkin_settings_claim", "enabled, next_due_at, person_id"),
}


def main() -> None:
    sweep_at_scale()
    with tempfile.TemporaryDirectory() as tmp:
        claims("SQLite", f"sqlite:///{tmp}/claims.db", Path(tmp))
    server = os.environ.get("INNERCHILD_BENCH_POSTGRES_URL") or os.environ.get("INNERCHILD_TEST_POSTGRES_URL")
    if not server:
        print("\nPostgreSQL: skipped (set INNERCHILD_BENCH_POSTGRES_URL)")
        return
    with tempfile.TemporaryDirectory() as tmp, postgres_schema(server) as url:
        claims("PostgreSQL", url, Path(tmp))


# -- 1. a sweep with 100,000 registered ---------------------------------------------------------
def sweep_at_scale() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        runtime = runtime_for(f"sqlite:///{tmp}/bench.db", Path(tmp))
        started = time.perf_counter()
        people, rows = [], []
        for i in range(PEOPLE):
            burst = i < AT_ONCE
            zone = "UTC" if burst else rng.choice(ZONES)
            minute = 20 * 60 + 30 if burst else rng.randrange(8 * 60, 22 * 60)
            people.append(person(runtime, i, zone))
            row = CheckinSettings(person_id=i + 1, enabled=True, rhythm="daily", days="", minute=minute, quiet_start=None, quiet_end=None, missed=0)
            # everyone else's next slot is after the burst (they were nudged earlier today)
            due = next_slot(rhythm_of(row, zone), BURST + timedelta(minutes=1)) if not burst else BURST
            rows.append(settings_row(i, due, minute))
        load(runtime, people, rows)
        print(f"registered {PEOPLE:,} people with check-ins in {time.perf_counter() - started:.1f} s")

        service = service_for(runtime)
        at = BURST + timedelta(seconds=10)
        with runtime.database.transaction() as repo:
            plan = repo.session.execute(
                text("EXPLAIN QUERY PLAN SELECT person_id FROM checkin_settings WHERE enabled = 1 AND next_due_at <= :t "
                     "ORDER BY next_due_at, person_id LIMIT 1"),
                {"t": at.replace(tzinfo=None)},
            ).all()
        print("due query plan:", "; ".join(str(r[-1]) for r in plan))

        timings = []
        for _ in range(50):
            t = time.perf_counter()
            service.sweep(datetime(2026, 1, 15, 8, 0, tzinfo=UTC))  # before anyone is due
            timings.append((time.perf_counter() - t) * 1000)
        print(f"empty sweep (no one due): median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms")

        t = time.perf_counter()
        report = service.due_report(at)
        print(f"`checkins due` view: {len(report):,} lines in {(time.perf_counter() - t) * 1000:.0f} ms")

        t = time.perf_counter()
        nudges = service.sweep(at, limit=len(report))
        elapsed = time.perf_counter() - t
        print(f"sweep sending {len(nudges):,} nudges (claim + companion turn + record each): "
              f"{elapsed * 1000:.0f} ms, {elapsed * 1000 / max(1, len(nudges)):.2f} ms per nudge")
        print(f"at 25 messages/s, delivering them takes {len(nudges) / 25:.0f} s; the database work is "
              f"{100 * elapsed / max(1e-9, len(nudges) / 25):.1f}% of that")
        t = time.perf_counter()
        assert service.sweep(at) == []
        print(f"the same sweep again finds nothing (never twice): {(time.perf_counter() - t) * 1000:.2f} ms")
        runtime.database.dispose()


# -- 2-4. claims with up to 30,000 due -----------------------------------------------------------
def claims(backend: str, url: str, data_dir: Path) -> None:
    runtime = runtime_for(url, data_dir)
    database = runtime.database
    started = time.perf_counter()
    load(runtime, [person(runtime, i, "UTC") for i in range(PEOPLE)], [settings_row(i, BURST + timedelta(days=1), 20 * 60 + 30) for i in range(PEOPLE)])
    print(f"\n### {backend}: {PEOPLE:,} people (loaded in {time.perf_counter() - started:.1f} s)\n")

    # 2. the claim query, before and after 0008, interleaved
    at = BURST + timedelta(seconds=10)
    single: dict[tuple[str, int], list[float]] = {}
    batch: dict[tuple[str, int], list[float]] = {}
    for due in DUE:
        make_due(runtime, due)
        for round_ in range(ROUNDS):
            for variant in (list(INDEXES) if round_ % 2 == 0 else list(reversed(INDEXES))):
                use_index(runtime, variant)
                single.setdefault((variant, due), []).append(claim_query(runtime, at, 1))
                batch.setdefault((variant, due), []).append(claim_query(runtime, at, 10) / 10)
    use_index(runtime, "0008")
    print("claim query (`claim_due`, FOR UPDATE SKIP LOCKED on PostgreSQL), median ms")
    print("| due at the same minute | one row, before 0008 | one row, 0008 | ratio | per row in a batch of 10, 0008 |")
    print("|---:|---:|---:|---:|---:|")
    for due in DUE:
        before, after = statistics.median(single[("before 0008", due)]), statistics.median(single[("0008", due)])
        print(f"| {due:,} | {before:.2f} | {after:.2f} | {before / after:.1f}x | {statistics.median(batch[('0008', due)]):.3f} |")

    # 3. 30,000 due at one minute, claimed as a sweep takes them
    per_transaction = service_for(runtime).batch
    make_due(runtime, DUE[-1])
    claimed, elapsed, ms = claim_all(runtime, at, per_transaction)
    how = "one a transaction" if per_transaction == 1 else f"{per_transaction} a transaction, as a sweep takes them"
    print(f"\n{DUE[-1]:,} due at one minute, claimed and marked {how} (no composing): "
          f"{claimed:,} in {elapsed:.1f} s ({elapsed / max(1, claimed) * 1000:.2f} ms each"
          + (")" if claimed == DUE[-1] else f"; all would take {elapsed / max(1, claimed) * DUE[-1]:.0f} s)"))
    print(f"the claim query meanwhile: median {statistics.median(ms):.2f} ms, p99 {ms[int(len(ms) * 0.99)]:.2f} ms, "
          f"max {ms[-1]:.1f} ms; {sum(ms) / 1000:.1f} s of claim queries for {claimed:,}")
    if per_transaction > 1:
        make_due(runtime, DUE[-1])
        one, one_elapsed, _ = claim_all(runtime, at, 1, seconds=MINUTE / 4)
        print(f"the same one a transaction, for {MINUTE / 4:.0f} s: {one:,} ({one_elapsed / max(1, one) * 1000:.2f} ms each; "
              f"all would take {one_elapsed / max(1, one) * DUE[-1]:.0f} s); batches: "
              f"{(one_elapsed / max(1, one)) / (elapsed / max(1, claimed)):.1f}x faster a row")
        sweeps(runtime, at)
    database.dispose()


def claim_all(runtime: Runtime, at: datetime, batch: int, seconds: float = MINUTE) -> tuple[int, float, list[float]]:
    """Claim and mark due rows ``batch`` a transaction (the "mark sent" a sweep makes, no
    composing) for up to ``seconds``: how many, in how long, and each claim query's ms, sorted."""
    queries: list[float] = []
    claimed, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        with runtime.database.transaction() as repo:
            q = time.perf_counter()
            rows = store.claim_due(repo, at, batch)
            queries.append(time.perf_counter() - q)
            for row, _ in rows:
                row.next_due_at = at + timedelta(days=1)
        if not rows:
            break
        claimed += len(rows)
    return claimed, time.perf_counter() - started, sorted(q * 1000 for q in queries)


def sweeps(runtime: Runtime, at: datetime, due: int = 2_000, rounds: int = 3) -> None:
    """4. Whole sweeps (claim, decide, a companion turn, record) of ``due`` nudges, in the
    service's batches against one a transaction, interleaved rounds; ms a nudge, medians."""
    service = service_for(runtime)
    timings: dict[int, list[float]] = {checkin_service.BATCH: [], 1: []}
    for round_ in range(rounds):
        for size in (list(timings) if round_ % 2 == 0 else list(reversed(timings))):
            make_due(runtime, due)
            checkin_service.BATCH = size
            started = time.perf_counter()
            nudges = service.sweep(at, limit=due)
            timings[size].append((time.perf_counter() - started) * 1000 / max(1, len(nudges)))
            assert len(nudges) == due, f"{len(nudges)} nudges of {due}"
    checkin_service.BATCH = max(timings)
    batched, single = statistics.median(timings[max(timings)]), statistics.median(timings[1])
    print(f"a sweep composing {due:,} nudges (a companion turn each): {batched:.2f} ms a nudge in batches of {max(timings)}, "
          f"{single:.2f} ms one a transaction ({single / batched:.2f}x); 30,000 due at one minute would take "
          f"{batched * 30_000 / 1000:.0f} s of sweeping (delivering them at 25 a second: {30_000 / 25:.0f} s)")


def claim_query(runtime: Runtime, at: datetime, limit: int) -> float:
    """Median milliseconds of the claim query, each in a transaction rolled back (nothing changes)."""
    timings = []
    for _ in range(TIMES):
        try:
            with runtime.database.transaction() as repo:
                repo.session.execute(text("SELECT 1"))  # the transaction is open: time the query alone
                t = time.perf_counter()
                store.claim_due(repo, at, limit)
                timings.append((time.perf_counter() - t) * 1000)
                raise _Undo
        except _Undo:
            pass
    return statistics.median(timings)


class _Undo(Exception):
    """Leaves a transaction by rolling it back."""


def use_index(runtime: Runtime, variant: str) -> None:
    """Only ``variant``'s index on the due columns (the other dropped), statistics fresh."""
    with runtime.database.engine.begin() as connection:
        for name, _ in INDEXES.values():
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        name, columns = INDEXES[variant]
        connection.execute(text(f"CREATE INDEX {name} ON checkin_settings ({columns})"))
        connection.execute(text("ANALYZE"))


def make_due(runtime: Runtime, due: int) -> None:
    """The first ``due`` people due at the burst minute, the next ones up to the largest count
    tomorrow (the rest already are)."""
    with runtime.database.engine.begin() as connection:
        for low, high, moment in ((0, due, BURST), (due, DUE[-1], BURST + timedelta(days=1))):
            connection.execute(
                update(CheckinSettings).where(CheckinSettings.person_id > low, CheckinSettings.person_id <= high).values(next_due_at=moment)
            )
    tidy(runtime)


# -- the data ----------------------------------------------------------------------------------
def runtime_for(url: str, data_dir: Path) -> Runtime:
    settings = Settings(database_url=url, data_dir=data_dir, encryption_key=new_key(), _env_file=None)  # type: ignore[call-arg]  # a pydantic-settings option mypy cannot see
    runtime = build(settings, migrate=True)
    runtime.companion.clock = lambda: NOW
    return runtime


def person(runtime: Runtime, i: int, zone: str) -> dict[str, object]:
    return dict(id=i + 1, external_id=f"tg:{i}", created_at=NOW, last_seen_at=NOW - timedelta(days=2), active=True,
                consent_version=runtime.companion.consent_version, adult=True, timezone=zone, recent_safety=[])


def settings_row(i: int, due: datetime, minute: int) -> dict[str, object]:
    return dict(person_id=i + 1, enabled=True, rhythm="daily", days="", minute=minute, next_due_at=due, slot_at=due,
                missed=0, created_at=NOW, updated_at=NOW)


def load(runtime: Runtime, people: list[dict[str, object]], rows: list[dict[str, object]]) -> None:
    with runtime.database.transaction() as repo:
        repo.session.execute(insert(Person), people)
        repo.session.execute(insert(CheckinSettings), rows)
    tidy(runtime)


def tidy(runtime: Runtime) -> None:
    """What autovacuum does between sweeps on a real server (dead rows gone, statistics fresh)."""
    engine = runtime.database.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE" if runtime.database.is_sqlite else "VACUUM ANALYZE"))


@contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    """A schema of its own on the server's database, dropped afterwards."""
    url = make_url(server)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    schema = f"bench_claims_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
