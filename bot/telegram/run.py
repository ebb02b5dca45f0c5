"""``innerchild run``: long polling by default, a webhook when ``INNERCHILD_WEBHOOK_URL`` is set.

``app.build`` has already validated the dialogues and the database. PTB's ``run_polling`` /
``run_webhook`` handle SIGTERM and SIGINT: fetching stops, every update in hand finishes
(its turn commits and its replies go out), then the process exits with status 0.

- Polling never drops pending updates: what people wrote while the bot was down is answered.
- Polling: one process polls at a time (``polling.ConfirmingUpdater``: the others stand by
  and take over when it dies).
- Webhook: the listener checks Telegram's secret header on every request (403 otherwise).
  ``INNERCHILD_WEBHOOK_SECRET`` (16-256 characters, checked with the settings) is required,
  the same on every replica behind a load balancer; only the replica that leads the
  "webhook" role calls ``setWebhook``. The listener serves the path of the webhook URL.
- Scripts: SIGHUP reloads them (``reload.ScriptReloader``, in a thread of its own so no turn
  waits on it); with ``INNERCHILD_RELOAD=watch`` a change of their files does too.
- Operators: with ``INNERCHILD_HTTP_PORT``, ``/healthz``, ``/readyz`` and ``/metrics`` on a
  port of their own (``bot/ops/server.py``, wired in ``operators``), in both modes; it must
  differ from the webhook's port.
- Logging: PTB logs whole updates (with what people wrote) at DEBUG and httpx logs URLs
  (with the bot token) at INFO, so those loggers stay above that whatever the log level;
  and whatever they log at any level keeps no value but numbers (``logs.LibraryWords``,
  put on PTB's loggers here, once they all exist).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram.error import InvalidToken, TelegramError

from ..logs import withhold_library_words
from ..ops.server import ListenError
from .application import ALLOWED_UPDATES, build_application, refresh_menu
from .polling import POLL_TIMEOUT, ConfirmingUpdater

if TYPE_CHECKING:
    from ..reload import ScriptReloader
    from ..runtime import Runtime

log = logging.getLogger(__name__)


class Redact(logging.Filter):
    """On the log handlers: the bot token never appears, and PTB's tracebacks shrink to the
    error class (they carry the token in URLs and messages; ours name the code location)."""

    def __init__(self, *secrets: str):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.exc_info:
            error = record.exc_info[1]
            record.msg, record.args = f"{record.getMessage()} ({type(error).__name__})", None
            record.exc_info = record.exc_text = None
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._hide(message), None
        if record.exc_info and not record.exc_text:  # e.g. InvalidToken names the token
            record.exc_text = self._hide(logging.Formatter().formatException(record.exc_info))
        return True

    def _hide(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text


def quiet_libraries(*secrets: str) -> None:
    for name, floor in (("telegram", logging.INFO), ("httpx", logging.WARNING), ("httpcore", logging.WARNING), ("tornado", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.setLevel(max(floor, logger.getEffectiveLevel()))
    redact = Redact(*secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    withhold_library_words()


def reload_on_hangup(reloader: ScriptReloader) -> None:
    """SIGHUP: load the scripts again, off the main thread (the event loop runs there)."""

    def hangup(_signum: int, _frame: object) -> None:
        threading.Thread(target=reloader.reload, name="script-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, hangup)


def run_bot(runtime: Runtime, reloader: ScriptReloader | None = None) -> None:
    """Run until SIGTERM/SIGINT. A start-up problem is one line on stderr and exit status 2."""
    settings = runtime.settings
    quiet_libraries(settings.telegram_token, settings.webhook_secret)
    if settings.webhook_url and settings.http_port == settings.webhook_port:
        _fail(f"INNERCHILD_HTTP_PORT and INNERCHILD_WEBHOOK_PORT are both {settings.http_port}: give the health and metrics endpoint a port of its own")
    if reloader is not None:
        reload_on_hangup(reloader)
        if settings.reload == "watch":
            reloader.watch()
            log.info("watching %s: changed scripts are reloaded", settings.dialogues_dir)
    try:
        application = build_application(runtime)
        if reloader is not None:
            reloader.listeners.append(lambda: refresh_menu(application))
        if settings.webhook_url:
            secret = settings.webhook_secret
            if not secret:
                _fail("INNERCHILD_WEBHOOK_SECRET is required with INNERCHILD_WEBHOOK_URL: the same secret on every replica (make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
            registrar = runtime.database.try_lead("webhook")  # held until this process exits
            updater = application.updater
            if isinstance(updater, ConfirmingUpdater):
                updater.sets_webhook = registrar is not None
            log.info("receiving updates by webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path,
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
        else:
            log.info("receiving updates by long polling")
            application.run_polling(allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False, timeout=POLL_TIMEOUT)
    except ListenError as exc:
        _fail(str(exc))
    except InvalidToken:
        _fail("Telegram refused INNERCHILD_TELEGRAM_TOKEN: check the token @BotFather gave you")
    except TelegramError as exc:
        _fail(f"could not start talking to Telegram ({type(exc).__name__}): check the network and INNERCHILD_TELEGRAM_BASE_URL")
    except OSError as exc:
        _fail(f"could not listen for the webhook on {settings.webhook_listen}:{settings.webhook_port} ({exc.strerror or type(exc).__name__})")
    finally:
        if reloader is not None:
            reloader.stop()
        runtime.database.dispose()
    log.info("stopped")


def _fail(message: str) -> None:
    print(f"innerchild: {message}", file=sys.stderr)
    raise SystemExit(2)
