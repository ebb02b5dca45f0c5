"""The operators' endpoint (``bot/ops``) wired to this bot: what ``/readyz`` and ``/metrics`` read.

``bot/ops`` knows nothing of Telegram or the database; here it is handed callables: the
database's ping, how many dialogues the companion serves, the outbox's count, and in webhook
mode a probe that asks Telegram (``getWebhookInfo``) whether it can reach us. Off (None)
unless ``INNERCHILD_HTTP_PORT`` is set.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from telegram import Bot

from ..ops.readiness import Intake, Readiness, WebhookReport
from ..ops.server import OpsServer

if TYPE_CHECKING:
    from ..core import Deliveries
    from ..runtime import Runtime
    from .handlers import TelegramApp

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0  # seconds getWebhookInfo may take


def ops_server(application: TelegramApp, runtime: Runtime, intake: Intake, outbox: Deliveries) -> OpsServer | None:
    settings = runtime.settings
    if not settings.http_port:
        return None
    bot, url = application.bot, settings.webhook_url

    async def probe() -> WebhookReport:
        return await webhook_report(bot, url)

    readiness = Readiness(
        intake,
        ping=runtime.database.ping,
        scripts=lambda: len(runtime.library.scripts),
        webhook_probe=probe if url else None,
    )
    return OpsServer(settings.http_listen, settings.http_port, readiness, backlog=outbox.count)


async def webhook_report(bot: Bot, url: str, *, timeout: float = PROBE_TIMEOUT) -> WebhookReport:
    """What Telegram says of our webhook: registered at ``url``? when did a delivery last fail?"""
    try:
        info = await asyncio.wait_for(bot.get_webhook_info(), timeout)
    except TimeoutError:
        return WebhookReport(problem=f"Telegram did not answer getWebhookInfo within {timeout:g} s")
    except Exception as exc:  # noqa: BLE001 - the reason, by class only
        return WebhookReport(problem=f"getWebhookInfo failed ({type(exc).__name__})")
    if not info.url:
        return WebhookReport(problem="no webhook is registered with Telegram")
    if info.url != url:
        return WebhookReport(problem="Telegram sends updates to another webhook URL than INNERCHILD_WEBHOOK_URL")
    error_at = info.last_error_date
    if error_at is None:
        return WebhookReport()
    return WebhookReport(delivery_error_age=max(0.0, time.time() - error_at.timestamp()))
