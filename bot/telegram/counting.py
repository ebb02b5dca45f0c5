"""Every failed Bot API call counted, by method and HTTP status or error class (``bot/ops``).

Why here: one place sees every call the bot makes (sends, long polls, menu, webhook
registration), the ``BaseRequest`` under PTB's ``Bot``. ``CountingRequest`` wraps the real
one and counts answers of 400 and up by their status (a 409 storm, 429s, 403s of people who
blocked the bot) and calls that got no answer by class (``NetworkError``, ``TimedOut``). Only
the method's name is taken from the URL (the URL also holds the bot token).
"""

from __future__ import annotations

import ssl

import httpx
from telegram.error import TelegramError
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from ..ops import metrics

POOL = 256  # connections for sending (PTB's default)
POLL_POOL = 1  # the one long poll (PTB's default)


class CountingRequest(BaseRequest):
    """``inner`` with its failures counted; everything else is ``inner``'s."""

    def __init__(self, inner: BaseRequest):
        self.inner = inner

    @classmethod
    def default(cls, *, long_poll: bool = False, tls: ssl.SSLContext | None = None) -> "CountingRequest":
        """PTB's own default request (as ``ApplicationBuilder`` makes it), counted. ``tls``:
        the TLS settings to verify Telegram with (``shared_tls``), shared by the bot's two
        clients rather than each loading the certificate authorities again."""
        extra = {"verify": tls} if tls is not None else None
        return cls(HTTPXRequest(connection_pool_size=POLL_POOL if long_poll else POOL, httpx_kwargs=extra))

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None | object = BaseRequest.DEFAULT_NONE,
        write_timeout: float | None | object = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | None | object = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | None | object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        try:
            code, payload = await self.inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,  # type: ignore[arg-type]
                write_timeout=write_timeout,  # type: ignore[arg-type]
                connect_timeout=connect_timeout,  # type: ignore[arg-type]
                pool_timeout=pool_timeout,  # type: ignore[arg-type]
            )
        except Exception as exc:
            # PTB turns anything but its own errors into a NetworkError; count it as that
            metrics.telegram_error(api_method, type(exc).__name__ if isinstance(exc, TelegramError) else "NetworkError")
            raise
        if code >= 400:
            metrics.telegram_error(api_method, code)
        return code, payload


def shared_tls() -> ssl.SSLContext:
    """httpx's own default TLS settings (certifi's authorities, or ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``), made once: loading the authorities is most of what creating a client
    costs a start."""
    return httpx.create_ssl_context()
