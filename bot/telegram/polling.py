"""Confirm an update to Telegram only after it has been handled (at-least-once delivery).

PTB's ``Updater`` confirms a batch of updates (the next ``getUpdates`` offset) as soon as it
has queued them, and its webhook answers 200 before the update is processed: a crash in
between loses what the person just wrote. Here an update stays unconfirmed until its turn
has finished, so after a crash (even ``SIGKILL``) Telegram delivers it again; the companion
recognises the update key it already committed and changes nothing twice. Together: each
update takes effect exactly once.

- ``Ledger``: the updates fetched but not yet finished (the processor reports the finish).
- ``ConfirmingUpdater``: long polling whose offset never passes an unfinished update. While
  some update is still being worked on, Telegram answers at once (it redelivers the
  unfinished ones), so the poller then waits for a finish or ``BUSY_POLL`` seconds before
  asking again; updates it already has are not queued twice.
- One poller: Telegram allows one long poll per bot (a second gets 409 Conflict). The
  updater polls only while it leads the "poller" role (``lead``: a PostgreSQL advisory lock,
  or a file lock beside SQLite); other processes stand by, retrying every
  ``STANDBY_RETRY`` seconds, and take over when the leader dies. Standing by, a process
  still sends check-ins and what waits in the outbox.
- Webhook replicas: only the one that leads the "webhook" role registers it
  (``sets_webhook``); the others serve the same URL and secret.
- ``AckQueue``: the update queue; ``await put(update)`` (what PTB's webhook handler does)
  returns only once the update has been handled, so the webhook answers 2xx after the turn.
  ``put_nowait`` is left as it is for the poller, which tracks updates itself.
- Readiness (``bot/ops/readiness.Intake``): the updater reports each ``getUpdates`` (ok or
  failed), each question a standby asks the database, the webhook listening and each webhook
  request served (through ``AckQueue``), and its stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Updater

from ..ops.readiness import Intake

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_TIMEOUT = 10  # seconds a long poll waits for updates (``run_polling(timeout=...)``)
BUSY_POLL = 0.5  # seconds between polls while an update is still being handled
STANDBY_RETRY = 3.0  # seconds between a standby's tries to become the poller
MAX_BACKOFF = 30.0
SHUTDOWN_GRACE = 60.0  # seconds to let updates in hand finish before confirming what is done


class Lock(Protocol):
    """A held role (``Database.try_lead``): still ours? give it up."""

    def alive(self) -> bool: ...

    def release(self) -> None: ...


class Ledger:
    """Update ids handed to the Application and not yet finished."""

    def __init__(self) -> None:
        self._pending: dict[int, asyncio.Future[None]] = {}
        self._changed = asyncio.Event()

    def track(self, update_id: int) -> asyncio.Future[None]:
        future = self._pending.get(update_id)
        if future is None:
            future = self._pending[update_id] = asyncio.get_running_loop().create_future()
        return future

    def done(self, update: object) -> None:
        """The processor's ``on_done``: the update has been handled, however it ended."""
        if not isinstance(update, Update):
            return
        future = self._pending.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)
        self._changed.set()

    def lowest(self) -> int | None:
        return min(self._pending) if self._pending else None

    def __len__(self) -> int:
        return len(self._pending)

    def forget_changes(self) -> None:
        self._changed.clear()

    async def wait_change(self, timeout: float) -> None:
        """Until an update finishes (since ``forget_changes``) or ``timeout`` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    async def drained(self) -> None:
        while self._pending:
            await asyncio.wait(list(self._pending.values()))


class AckQueue(asyncio.Queue[object]):
    """The Application's update queue; an awaited ``put`` of an Update waits for its turn."""

    def __init__(self, ledger: Ledger, served: Callable[[], None] | None = None):
        super().__init__()
        self.ledger = ledger
        self.served = served  # told after each update handled this way (a webhook request)

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):  # e.g. the Application's own stop signal
            await super().put(item)
            return
        finished = self.ledger.track(item.update_id)
        await super().put(item)
        await asyncio.shield(finished)
        if self.served is not None:
            self.served()


class ConfirmingUpdater(Updater):
    """An ``Updater`` whose polling confirms updates only once handled (webhooks: inherited)."""

    def __init__(
        self, bot: Bot, update_queue: asyncio.Queue[object], ledger: Ledger, *, lead: Callable[[], Lock | None] | None = None, intake: Intake | None = None
    ):
        super().__init__(bot=bot, update_queue=update_queue)
        self.ledger = ledger
        self.lead = lead  # None: this process is alone, it always polls
        self.intake = intake or Intake(poll_timeout=POLL_TIMEOUT, standby_retry=STANDBY_RETRY)
        self.leadership: Lock | None = None
        self.sets_webhook = True
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._next = 0  # one past the highest update id fetched

    async def start_polling(  # PTB's signature
        self,
        poll_interval: float = 0.0,
        timeout: dtm.timedelta | int = dtm.timedelta(seconds=10),
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Callable[[TelegramError], None] | None = None,
    ) -> asyncio.Queue[object]:
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        # Polling and a webhook exclude each other; pending updates are kept unless asked.
        await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
        self._running = True
        self._stop.clear()
        self._task = asyncio.create_task(
            self._poll(timeout, list(allowed_updates) if allowed_updates is not None else None, error_callback),
            name="ConfirmingUpdater:poll",
        )
        return self.update_queue

    async def start_webhook(self, *args: Any, **kwargs: Any) -> asyncio.Queue[object]:  # noqa: ANN401 - PTB's signature, passed on
        queue = await super().start_webhook(*args, **kwargs)
        self.intake.webhook()
        return queue

    async def stop(self) -> None:
        self.intake.stopping()
        if self._task is None:
            await super().stop()  # webhook mode
            return
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        # Let what is in hand finish (the Application is still running it), then confirm it,
        # so a clean restart does not see those updates again.
        try:
            await asyncio.wait_for(self.ledger.drained(), SHUTDOWN_GRACE)
        except TimeoutError:
            log.warning("%d update(s) still in hand at shutdown; Telegram will deliver them again", len(self.ledger))
        if self.lead is None or self.leadership is not None:  # a standby never calls getUpdates
            try:
                confirm = self.ledger.lowest() or self._next  # never past an update still in hand
                await self.bot.get_updates(offset=confirm or None, timeout=0, limit=1)
            except TelegramError as exc:
                log.warning("could not confirm the last updates (%s); they will be seen again and skipped", type(exc).__name__)
        self._give_up_leadership()

    async def _bootstrap(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - PTB's private signature
        """Webhook mode: only the replica that leads "webhook" registers it (PTB always would)."""
        if not self.sets_webhook:
            log.info("another replica registers the webhook; serving it here")
            return
        await super()._bootstrap(*args, **kwargs)

    async def _await_leadership(self) -> bool:
        """Until this process may poll (or stops: False)."""
        if self.lead is None:
            self.intake.polling()
            return True
        told = False
        while not self._stop.is_set():
            try:
                self.leadership = await asyncio.to_thread(self.lead)
            except Exception as exc:  # noqa: BLE001 - the database may be down for a while
                log.warning("could not ask who polls: %s", type(exc).__name__)
                self.leadership = None
                self.intake.standing_by(False, type(exc).__name__)
            else:
                if self.leadership is None:
                    self.intake.standing_by(True)
            if self.leadership is not None:
                log.info("this process polls Telegram")
                self.intake.polling()
                return True
            if not told:
                log.info("another process is polling Telegram; standing by to take over")
                told = True
            await self._unless_stopped(asyncio.sleep(STANDBY_RETRY))
        return False

    async def _still_leading(self) -> bool:
        if self.leadership is None:
            return self.lead is None
        if await asyncio.to_thread(self.leadership.alive):
            return True
        log.warning("lost the poller lock (database connection gone); standing by")
        self.leadership = None
        return False

    def _give_up_leadership(self) -> None:
        if self.leadership is not None:
            self.leadership.release()
            self.leadership = None

    async def _poll(self, timeout: dtm.timedelta | int, allowed: list[str] | None, on_error: Callable[[TelegramError], None] | None) -> None:
        while not self._stop.is_set():
            if not await self._await_leadership():
                return
            await self._poll_while_leading(timeout, allowed, on_error)

    async def _poll_while_leading(
        self, timeout: dtm.timedelta | int, allowed: list[str] | None, on_error: Callable[[TelegramError], None] | None
    ) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            if not await self._still_leading():
                return
            self.ledger.forget_changes()
            busy = self.ledger.lowest()
            offset = busy if busy is not None else self._next
            try:
                updates = await self._unless_stopped(
                    self.bot.get_updates(offset=offset or None, timeout=timeout, allowed_updates=allowed)
                )
            except Exception as exc:  # noqa: BLE001 - polling must outlive any one failure
                self.intake.polled(False, type(exc).__name__)
                if on_error is not None and isinstance(exc, TelegramError):
                    on_error(exc)
                else:
                    log.warning("polling failed: %s", type(exc).__name__)
                await self._unless_stopped(asyncio.sleep(backoff))
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if updates is None:  # stopping: whatever that poll held stays unconfirmed
                return
            self.intake.polled(True)
            backoff = 1.0
            fresh = [u for u in updates if u.update_id >= self._next]
            for update in fresh:
                self.ledger.track(update.update_id)
                self.update_queue.put_nowait(update)
            if updates:
                self._next = max(self._next, updates[-1].update_id + 1)
            if not fresh and len(self.ledger):
                await self._unless_stopped(self.ledger.wait_change(BUSY_POLL))

    async def _unless_stopped(self, awaitable: Awaitable[T]) -> T | None:
        """Await ``awaitable`` unless ``stop()`` comes first (then cancel it, return None)."""
        task = asyncio.ensure_future(awaitable)
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await task
        return None
