"""The python-telegram-bot ``Application``, wired: read top to bottom to see the whole bot.

- The bot: ``settings.telegram_base_url`` (a self-hosted Bot API server, or a fake in
  tests) and the ``SharedLimiter``: every call in a chat waits for the sending budget all
  processes share in the database (``INNERCHILD_SEND_PER_SECOND`` in all; per chat one
  every ``pause`` seconds with a burst of ``CHAT_BURST``; ``limiter.py``). A ``RetryAfter``
  is one chat's to wait out: its bubbles stay in the outbox until then (``handlers``).
- Replies: the companion keeps them in the outbox with their turn (``use_outbox``); the
  adapter drains it after each turn, and the ``OutboxSweeper`` sends what is left.
- Updates: ``ConfirmingUpdater`` + ``AckQueue`` confirm an update to Telegram only once it
  has been handled; ``PerPersonProcessor`` runs one person's updates in order, different
  people in parallel, their turns on ``TurnWorkers`` (as many as the database lets write at
  once: one on SQLite), closed at shutdown.
- Start-up (``post_init``): the operators' HTTP endpoint when ``INNERCHILD_HTTP_PORT`` is
  set (``operators``), the outbox sweeper; then, ``START_LATER`` after polling begins, the
  command menu (from the companion's command registry) and the check-in scheduler (it runs
  housekeeping too). Its ``shutdown()`` runs in ``post_stop`` (while the bot can still
  send, so a nudge in flight can finish) or at the latest in ``post_shutdown``, which also
  closes the endpoint.
- Memory: PTB's per-update id sets (kept for a persistence this bot does not use) are
  emptied every minute (``forget.Forgetter``), so memory follows who is active, not
  everyone who ever wrote.
- Every Bot API call goes through ``CountingRequest`` (failures counted for ``/metrics``);
  the updater reports how updates arrive to an ``Intake`` (for ``/readyz``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import secrets
import socket
from typing import TYPE_CHECKING, Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from ..checkins.scheduler import start_scheduler
from ..core import Rate, SendBudget
from ..ops.readiness import Intake
from .counting import CountingRequest, shared_tls
from .forget import Forgetter
from .handlers import TelegramAdapter, TelegramApp
from .limiter import SharedLimiter
from .operators import ops_server
from .polling import POLL_TIMEOUT, STANDBY_RETRY, AckQueue, ConfirmingUpdater, Ledger
from .processor import PerPersonProcessor, PersonLocks
from .sender import Sender
from .sweeper import OutboxSweeper
from .workers import TurnWorkers

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
FLUSH_AT_STOP = 5.0  # seconds a clean stop waits to send what is in the outbox
CHAT_BURST = 3  # messages one chat may get at once (a keyboard edit, then the reply) before the pause applies
# Overall, evenly spaced: with 25 a second and a sender up to ``limiter.LATE`` (0.1 s) late,
# any one second holds at most 1 + 25 * (1 + 0.1) = 28 calls: headroom under Telegram's 30.
OVERALL_BURST = 1
# After start-up, the command menu is set and the check-in scheduler started this much later
# (``_start_later``), so that the first poll's turns go first.
START_LATER = 1.0


def build_application(
    runtime: Runtime,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    pause: float | None = None,
) -> TelegramApp:
    """The Application for ``runtime``; ``request``s replace HTTP (tests), ``pause`` the pacing."""
    settings = runtime.settings
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = Application.builder().token(settings.telegram_token)
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(_file_url(base))
    if request is not None:
        sending, polling = CountingRequest(request), CountingRequest(get_updates_request or request)
    else:
        tls = shared_tls()
        sending, polling = CountingRequest.default(tls=tls), CountingRequest.default(long_poll=True, tls=tls)
    builder = builder.request(sending).get_updates_request(polling)
    pause = settings.message_pause if pause is None else pause
    ledger, locks = Ledger(), PersonLocks()
    intake = Intake(poll_timeout=POLL_TIMEOUT, standby_retry=STANDBY_RETRY)
    processor = PerPersonProcessor(locks, on_done=ledger.done)
    application = (
        builder.rate_limiter(SharedLimiter(send_budget(runtime, pause)))
        .job_queue(None)  # check-ins have their own scheduler; PTB's would be a second one
        .update_queue(AckQueue(ledger, served=intake.served))
        .concurrent_updates(processor)
        .post_init(_post_init)
        .post_stop(_stop_scheduler)
        .post_shutdown(_post_shutdown)
        .build()
    )
    # The builder has no hook for an Updater subclass that shares its own bot (passing one
    # excludes base_url/request), so the confirming updater replaces the default one here.
    database = runtime.database
    application.updater = ConfirmingUpdater(application.bot, application.update_queue, ledger, lead=lambda: database.try_lead("poller"), intake=intake)
    sender = Sender(application.bot, pause=pause)
    outbox = runtime.companion.start_outbox(owner=f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}")
    workers = TurnWorkers(database.workers)
    adapter = TelegramAdapter(runtime.companion, sender, locks, outbox, workers)
    adapter.register(application)
    processor.acknowledge = adapter.acknowledge
    sweeper = OutboxSweeper(outbox, adapter.drain)
    application.bot_data.update(
        runtime=runtime, adapter=adapter, scheduler=None, sweeper=sweeper, intake=intake, forgetter=Forgetter(application), workers=workers,
    )
    application.bot_data["ops"] = ops_server(application, runtime, intake, outbox)
    return application


def send_budget(runtime: Runtime, pause: float) -> SendBudget:
    """The budget every process shares: ``send_per_second`` messages in all; per chat one
    every ``pause`` seconds after a small burst (none with ``pause`` 0, as in tests)."""
    per_second = runtime.settings.send_per_second
    overall = Rate(1.0 / per_second if per_second > 0 else 0.0, OVERALL_BURST)
    return SendBudget(runtime.database, overall, Rate(pause, CHAT_BURST) if pause > 0 else None)


def _file_url(base_url: str) -> str:
    """``https://host/bot`` -> ``https://host/file/bot``, as the Bot API lays them out."""
    head, _, tail = base_url.rpartition("/")
    return f"{head}/file/{tail}" if head else f"{base_url}/file"


def menu_commands(runtime: Runtime) -> list[BotCommand]:
    """Telegram's command menu, from the companion's one command registry."""
    texts = runtime.library.texts
    return [BotCommand(c.name, texts.plain(c.description or "")) for c in runtime.features.commands.menu()]


async def set_commands(application: TelegramApp) -> None:
    await application.bot.set_my_commands(menu_commands(application.bot_data["runtime"]))


def refresh_menu(application: TelegramApp) -> None:
    """After a reload (from its thread): set the command menu again, on the bot's loop, as
    texts.yaml may describe the commands in new words."""
    loop = application.bot_data.get("loop")
    if loop is not None:
        asyncio.run_coroutine_threadsafe(set_commands(application), loop)


async def _post_init(application: TelegramApp) -> None:
    application.bot_data["loop"] = asyncio.get_running_loop()
    ops = application.bot_data.get("ops")
    if ops is not None:  # first: /healthz answers while the rest starts
        await ops.start()
    application.bot_data["sweeper"].start()  # first: what a crash left waiting goes out now
    application.bot_data["forgetter"].start()
    application.bot_data["later"] = asyncio.create_task(_start_later(application), name="start-later")


async def _start_later(application: TelegramApp) -> None:
    """What can wait until the first poll has brought what people wrote while the bot was
    down: the command menu (a round trip to Telegram) and the check-in scheduler (its first
    sweep and housekeeping run at once, and would take the database from the first turns).
    ``START_LATER`` after start-up; a shutdown before then cancels it."""
    await asyncio.sleep(START_LATER)
    try:
        await set_commands(application)
    except Exception as exc:  # noqa: BLE001 - the menu is a convenience; typing commands works
        log.warning("could not set the command menu: %s", type(exc).__name__)
    if application.bot_data.get("stopping"):
        return
    adapter: TelegramAdapter = application.bot_data["adapter"]
    application.bot_data["scheduler"] = start_scheduler(application.bot_data["runtime"], adapter.deliver)
    log.info("check-in scheduler started")


async def _post_shutdown(application: TelegramApp) -> None:
    await _stop_scheduler(application)
    await application.bot_data["forgetter"].stop()
    ops = application.bot_data.get("ops")
    if ops is not None:
        await ops.stop()
    application.bot_data["workers"].close()  # last: the sweeper's flush above still used them


async def _stop_scheduler(application: TelegramApp) -> None:
    application.bot_data["stopping"] = True
    later: asyncio.Task[None] | None = application.bot_data.pop("later", None)
    if later is not None and not later.done():
        later.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await later
    sweeper: OutboxSweeper | None = application.bot_data.get("sweeper")
    if sweeper is not None:
        await sweeper.stop()
        application.bot_data["sweeper"] = None
        try:
            await sweeper.flush(FLUSH_AT_STOP)  # replies held by a short 429 still go out
        except Exception as exc:  # noqa: BLE001 - what is left waits for the next start
            log.warning("could not send what waits in the outbox: %s", type(exc).__name__)
    scheduler = application.bot_data.get("scheduler")
    if scheduler is None:
        return
    application.bot_data["scheduler"] = None
    result = scheduler.shutdown()
    if inspect.isawaitable(result):
        await result
