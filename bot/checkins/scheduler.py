"""APScheduler wiring, and nothing else: a sweep every ``checkin_sweep_seconds``.

The database is the source of truth (``next_due_at`` per person); the scheduler only says
"look now". So it keeps no job store and no per-person jobs: one interval job per process,
its callable module-level with a plain string argument (the key of this process's sweep),
as APScheduler 3 wants. It must be started inside the running event loop.

A sweep claims a small batch (about one second's worth), commits it, and delivers it at
``checkins_per_second`` messages a second before claiming the next, so a large batch is
spread out and a crash loses at most one batch in flight, never sends one twice. Every
message also waits for the sending budget all processes share (the Telegram adapter's rate
limiter), so two processes sweeping at once still keep to Telegram's limits. The
first sweep runs at once, which is what sends nudges that fell due while we were down
(within the grace time; the policy lets older ones go).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ..core import Companion
from ..domain import Reply
from .. import retention
from ..runtime import Runtime
from . import service_for
from .service import CheckinService, Nudge

log = logging.getLogger(__name__)

Deliver = Callable[[str, list[Reply]], Awaitable[bool]]  # False: the person blocked the bot


class Pacer:
    """Spaces messages to at most ``rate`` a second, overall for this process."""

    def __init__(self, rate: float):
        self.interval = 1.0 / max(rate, 0.1)
        self.next_at = 0.0

    async def wait(self, messages: int = 1) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.next_at > now:
            await asyncio.sleep(self.next_at - now)
            now = loop.time()
        self.next_at = max(now, self.next_at) + self.interval * max(1, messages)


@dataclass
class Sweeper:
    """One process's sweep: claim, deliver at a steady pace, repeat while time allows."""

    service: CheckinService
    deliver: Deliver
    rate: float
    budget_seconds: float
    pacer: Pacer = field(init=False)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.pacer = Pacer(self.rate)

    @property
    def batch(self) -> int:
        return max(1, int(self.rate))

    async def run(self) -> int:
        """Deliver what is due now; returns how many nudges went out."""
        if self.lock.locked():
            return 0  # the previous sweep is still delivering a large batch
        async with self.lock:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.budget_seconds
            sent = 0
            while True:
                nudges = await asyncio.to_thread(self.service.sweep, None, limit=self.batch)
                for nudge in nudges:
                    sent += await self.send(nudge)
                if len(nudges) < self.batch or loop.time() >= deadline:
                    return sent

    async def send(self, nudge: Nudge) -> int:
        await self.pacer.wait(max(1, len(nudge.replies)))
        try:
            delivered = await self.deliver(nudge.user, nudge.replies)
        except Exception:  # already marked sent: never retried, never twice
            log.exception("delivering a check-in failed (%s)", nudge.mode)
            return 0
        if delivered is False:
            await asyncio.to_thread(self.service.companion.mark_unreachable, nudge.user)
            return 0
        return 1


_SWEEPERS: dict[str, Sweeper] = {}


@dataclass
class Housekeeping:
    """Hourly: retention notices and deletions, forgetting old processed-update ids, and
    the sending budget's rows of quiet chats.

    A notice counts only once Telegram has it: one in the outbox is marked by the outbox as
    it goes out (``deliver`` drains it now; the outbox sweeper retries what fails), one sent
    directly is marked here when the send succeeded. A blocked person gets no notice and is
    deleted only after the longer period (``retention``)."""

    companion: Companion
    deliver: Deliver
    notice_days: int
    pacer: Pacer
    unreached_days: int = 0

    async def run(self) -> None:
        now = self.companion.clock()
        result = await asyncio.to_thread(
            retention.sweep, self.companion, now, notice_days=self.notice_days, unreached_days=self.unreached_days
        )
        for user, replies in result.notices:
            await self.pacer.wait(max(1, len(replies)))
            try:
                if await self.deliver(user, replies) is False:
                    await asyncio.to_thread(self.companion.mark_unreachable, user)
                elif replies:  # sent now, not through the outbox (which marks its own)
                    await asyncio.to_thread(retention.delivered, self.companion, user, self.companion.clock())
            except Exception:  # not marked delivered: no deletion before the longer period
                log.exception("delivering a retention notice failed")
        pruned = await asyncio.to_thread(retention.prune_processed_updates, self.companion, now)
        await asyncio.to_thread(retention.forget_quiet_chats, self.companion)
        expired = result.deleted + result.deleted_unreached
        if expired or pruned:
            log.info("housekeeping: %d expired (%d unreachable), %d old update ids forgotten", expired, result.deleted_unreached, pruned)


_HOUSEKEEPING: dict[str, Housekeeping] = {}
HOUSEKEEPING_SECONDS = 3600


_REGISTRIES: dict[str, Mapping[str, Sweeper | Housekeeping]] = {"sweep": _SWEEPERS, "housekeeping": _HOUSEKEEPING}


async def run_job(kind: str, key: str) -> None:
    """Every scheduled job: module-level, with plain string args, as APScheduler 3 requires."""
    job = _REGISTRIES[kind].get(key)
    if job is not None:
        try:
            await job.run()
        except Exception:  # the next tick tries again
            log.exception("%s job failed", kind)


@dataclass
class SchedulerHandle:
    scheduler: AsyncIOScheduler
    key: str

    @property
    def sweeper(self) -> Sweeper:
        return _SWEEPERS[self.key]

    async def sweep_now(self) -> int:
        return await self.sweeper.run()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _SWEEPERS.pop(self.key, None)
        _HOUSEKEEPING.pop(self.key, None)


def start_scheduler(runtime: Runtime, deliver: Deliver, *, service: CheckinService | None = None) -> SchedulerHandle:
    """Start sweeping inside the running event loop; ``.shutdown()`` stops it."""

    loop = asyncio.get_running_loop()
    settings = runtime.settings
    seconds = max(1, int(settings.checkin_sweep_seconds))
    key = uuid.uuid4().hex
    _SWEEPERS[key] = Sweeper(service or service_for(runtime), deliver, settings.checkins_per_second, budget_seconds=seconds * 0.9)
    scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
    scheduler.add_job(
        run_job,
        IntervalTrigger(seconds=seconds, timezone=UTC),
        args=["sweep", key],
        id=f"checkins-sweep-{key}",
        next_run_time=datetime.now(UTC),  # at once: catch up on what fell due while down
        max_instances=1,
        coalesce=True,
        misfire_grace_time=seconds,
    )
    _HOUSEKEEPING[key] = Housekeeping(
        runtime.companion, deliver, settings.retention_notice_days, _SWEEPERS[key].pacer, settings.retention_unreachable_days
    )
    scheduler.add_job(
        run_job,
        IntervalTrigger(seconds=HOUSEKEEPING_SECONDS, timezone=UTC),
        args=["housekeeping", key],
        id=f"housekeeping-{key}",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return SchedulerHandle(scheduler, key)
