"""Whether this process is ready: the database answers, scripts are loaded, updates arrive.

``/readyz`` asks ``Readiness.check``; the answer is 200 with a small JSON body, or 503 with
``{"ready": false, "reasons": [...]}``. The reasons name what is wrong in words an operator
can act on, never a person, a message or a connection string (errors by class only).

- **The database**: a trivial query (``Database.ping``) in a thread of its own, awaited at
  most ``DB_TIMEOUT`` seconds, so a hung database never blocks the event loop; while one
  ping is still running, the next check waits on that same ping rather than starting
  another (a dead database does not collect hung threads).
- **The scripts**: at least one dialogue is served (a start with a broken folder serves the
  last good copy, and is ready: people are answered).
- **Updates arrive** (``Intake``, which the Telegram layer keeps up to date):
  - *polling*: the last ``getUpdates`` succeeded within ``3 x`` the long-poll timeout plus a
    margin (a long poll answers within its timeout even when nobody writes), and the last
    ``FAILURES`` calls did not all fail (so a 409 storm or a dead Bot API shows within
    seconds, while one failed poll among good ones does not);
  - *standing by* (another process polls; see ``telegram.polling``): ready when it could
    take over, that is when it asked the database who polls within ``3 x`` its retry
    interval plus a margin and got an answer. Telegram is not asked: a standby never calls
    ``getUpdates`` (a second poller gets 409 and disturbs the leader), and its own sends
    (check-ins, the outbox) show Telegram's errors in the metrics. Calling a standby not
    ready would have an orchestrator hold a rolling update on it, or restart it, for doing
    exactly its job;
  - *webhook*: the listener is up, and either a webhook request was served in the last
    ``WEBHOOK_RECENT`` seconds, or Telegram's ``getWebhookInfo`` (asked at most every
    ``PROBE_EVERY`` seconds, by the Telegram layer's probe) shows our URL registered and no
    failed delivery since the last request we served (within ``DELIVERY_ERROR_WINDOW``). A
    quiet night is not a failure; Telegram failing to reach us is;
  - starting (before the first leadership question or listener) and stopping are not ready.

Times are monotonic seconds from an injectable clock, so the rules are tested without waiting.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Clock = Callable[[], float]

DB_TIMEOUT = 2.0  # seconds a database ping may take
FAILURES = 3  # failed calls in a row that make a poller (or a standby) not ready
MARGIN = 15.0  # seconds added to 3 x an interval before "too long ago"
WEBHOOK_RECENT = 60.0  # a webhook request served this recently: no need to ask Telegram
PROBE_EVERY = 30.0  # seconds between two getWebhookInfo probes
DELIVERY_ERROR_WINDOW = 300.0  # Telegram's last failed delivery counts this long

STARTING, POLLING, STANDBY, WEBHOOK, STOPPING = "starting", "polling", "standby", "webhook", "stopping"


@dataclass(frozen=True)
class WebhookReport:
    """What the Telegram layer's probe learned from ``getWebhookInfo``: a problem (the call
    failed, another or no URL is registered), and how many seconds ago Telegram last failed
    to deliver to us (None: no failure reported)."""

    problem: str | None = None
    delivery_error_age: float | None = None


class Intake:
    """How updates reach this process, as the Telegram layer reports it.

    The poller calls ``polling()`` when it begins to poll and ``polled(ok)`` after each
    ``getUpdates``; a standby calls ``standing_by(answered)`` after each question to the
    database; webhook mode calls ``webhook()`` once listening and ``served()`` after each
    request handled; ``stopping()`` at shutdown."""

    def __init__(self, *, poll_timeout: float, standby_retry: float, clock: Clock = time.monotonic):
        self.clock = clock
        self.poll_limit = 3 * poll_timeout + MARGIN
        self.standby_limit = 3 * standby_retry + MARGIN
        self.role = STARTING
        self.since = clock()
        self.last_ok: float | None = None  # getUpdates succeeded / the database answered / a request served
        self.failures = 0
        self.last_error = ""
        self.probed_at: float | None = None
        self.report: WebhookReport | None = None

    def _become(self, role: str) -> None:
        if self.role != role:
            self.role, self.since = role, self.clock()
            self.last_ok, self.failures, self.last_error = None, 0, ""

    def _outcome(self, ok: bool, error: str) -> None:
        if ok:
            self.last_ok, self.failures = self.clock(), 0
        else:
            self.failures += 1
            self.last_error = error or "unknown error"

    # -- reported by the Telegram layer -----------------------------------------------------
    def polling(self) -> None:
        self._become(POLLING)

    def polled(self, ok: bool, error: str = "") -> None:
        self._become(POLLING)
        self._outcome(ok, error)

    def standing_by(self, answered: bool, error: str = "") -> None:
        self._become(STANDBY)
        self._outcome(answered, error)

    def webhook(self) -> None:
        self._become(WEBHOOK)

    def served(self) -> None:
        self.last_ok = self.clock()

    def stopping(self) -> None:
        self._become(STOPPING)

    # -- webhook probes -----------------------------------------------------------------------
    def probe_due(self) -> bool:
        """Webhook mode, no request served lately, and no fresh probe: ask Telegram."""
        now = self.clock()
        if self.role != WEBHOOK or (self.last_ok is not None and now - self.last_ok <= WEBHOOK_RECENT):
            return False
        return self.probed_at is None or now - self.probed_at >= PROBE_EVERY

    def probed(self, report: WebhookReport) -> None:
        self.probed_at, self.report = self.clock(), report

    # -- the verdict ----------------------------------------------------------------------------
    def reasons(self) -> list[str]:
        """Why updates may not be arriving (empty: they are)."""
        now = self.clock()
        age = now - (self.last_ok if self.last_ok is not None else self.since)
        if self.role == STARTING:
            return ["not receiving updates yet (starting)"]
        if self.role == STOPPING:
            return ["stopping: no longer receiving updates"]
        if self.role == POLLING:
            return self._in_time(age, self.poll_limit, "getUpdates calls", "no successful getUpdates")
        if self.role == STANDBY:
            return self._in_time(age, self.standby_limit, "questions to the database about who polls (standing by)", "standing by, but no answer from the database about who polls")
        return self._webhook_reasons(now)

    def _in_time(self, age: float, limit: float, calls: str, stale: str) -> list[str]:
        found = []
        if self.failures >= FAILURES:
            found.append(f"the last {self.failures} {calls} failed ({self.last_error})")
        if age > limit:
            found.append(f"{stale} for {age:.0f} s (limit {limit:.0f} s)")
        return found

    def _webhook_reasons(self, now: float) -> list[str]:
        served_age = None if self.last_ok is None else now - self.last_ok
        if served_age is not None and served_age <= WEBHOOK_RECENT:
            return []
        report = self.report
        if report is None or self.probed_at is None:
            return ["no webhook request served lately, and Telegram was not asked about the webhook"]
        if report.problem:
            return [report.problem]
        if report.delivery_error_age is None:
            return []
        error_age = report.delivery_error_age + (now - self.probed_at)  # as of now, not of the probe
        if error_age > DELIVERY_ERROR_WINDOW:
            return []
        if served_age is not None and served_age < error_age:
            return []  # a request came through after the failed delivery
        return [f"Telegram reported a failed webhook delivery {error_age:.0f} s ago and no request has been served since"]

    def describe(self) -> dict[str, object]:
        """The body's view of the intake: the role and how long since it last went well."""
        now = self.clock()
        return {"role": self.role, "last_ok_seconds_ago": None if self.last_ok is None else round(now - self.last_ok, 1)}


class OffLoop(Generic[T]):
    """A blocking call run in a daemon thread of its own, one at a time, awaited at most a
    while. A daemon thread (not an executor's) so a call hung on a dead database can never
    hold up the process's exit; one at a time so hung calls do not pile up."""

    def __init__(self, call: Callable[[], T], name: str):
        self.call = call
        self.name = name
        self._future: asyncio.Future[T] | None = None

    async def run(self, timeout: float) -> T:
        """The call's result; raises ``TimeoutError`` or what the call raised."""
        if self._future is None or self._future.done():
            self._future = self._start()
        return await asyncio.wait_for(asyncio.shield(self._future), timeout)

    def _start(self) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        future.add_done_callback(_retrieve)

        def settle(result: T | None, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)  # type: ignore[arg-type]

        def work() -> None:
            result: T | None = None
            error: BaseException | None = None
            try:
                result = self.call()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                error = exc
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:  # the loop closed meanwhile (the process is stopping)
                pass

        threading.Thread(target=work, name=self.name, daemon=True).start()
        return future


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a failed call's error as seen (nobody may be awaiting it any more)."""
    if not future.cancelled():
        future.exception()


@dataclass
class Verdict:
    ready: bool
    body: dict[str, object] = field(default_factory=dict)


class Readiness:
    """The three conditions, checked together for ``/readyz``."""

    def __init__(
        self,
        intake: Intake,
        *,
        ping: Callable[[], None],
        scripts: Callable[[], int],
        webhook_probe: Callable[[], Awaitable[WebhookReport]] | None = None,
        db_timeout: float = DB_TIMEOUT,
    ):
        self.intake = intake
        self.database = OffLoop(ping, "ops-database-ping")
        self.scripts = scripts
        self.webhook_probe = webhook_probe
        self.db_timeout = db_timeout

    async def check(self) -> Verdict:
        reasons = []
        database = await self.database_reason()
        if database:
            reasons.append(database)
        try:
            dialogues = self.scripts()
        except Exception as exc:  # noqa: BLE001 - reported as a reason
            dialogues = 0
            reasons.append(f"the scripts cannot be read ({type(exc).__name__})")
        else:
            if dialogues <= 0:
                reasons.append("no dialogue scripts are loaded")
        if self.webhook_probe is not None and self.intake.probe_due():
            self.intake.probed(await self.webhook_probe())
        reasons += self.intake.reasons()
        body: dict[str, object] = {"ready": not reasons, **self.intake.describe(), "dialogues": dialogues}
        if reasons:
            body["reasons"] = reasons
        return Verdict(not reasons, body)

    async def database_reason(self) -> str | None:
        try:
            await self.database.run(self.db_timeout)
        except TimeoutError:
            return f"the database did not answer within {self.db_timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - any failure is the reason, by class only
            return f"the database did not answer ({type(exc).__name__})"
        return None
