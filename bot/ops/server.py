"""The operators' HTTP endpoint of ``innerchild run``: ``/healthz``, ``/readyz``, ``/metrics``.

On when ``INNERCHILD_HTTP_PORT`` is set, bound to ``INNERCHILD_HTTP_LISTEN`` (127.0.0.1 by
default); the console never serves it.

- ``/healthz``: 200 ``ok`` when the process and its event loop answer. The handlers run on
  the bot's own asyncio loop, so a loop blocked by a stuck call answers nothing and the
  health check (with its timeout) fails, as it should.
- ``/readyz``: 200 with a small JSON body, or 503 with ``{"ready": false, "reasons": [...]}``
  (``readiness``).
- ``/metrics``: the Prometheus text of ``metrics``; the outbox backlog is counted first, in a
  thread and within ``BACKLOG_TIMEOUT`` (NaN when it could not be counted).

Its own small server on its own port, in polling and in webhook mode alike, rather than
paths on the webhook's port: that port is what a TLS proxy exposes to the internet, and
readiness and metrics are for the operator's network only; PTB's webhook server also offers
no public way to add routes. It is tornado (PTB's webhook server runs on it already), on the
same event loop. Requests are not logged: a health check every few seconds is noise.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import tornado.web
from tornado.httpserver import HTTPServer

from . import metrics
from .readiness import OffLoop, Readiness

log = logging.getLogger(__name__)

BACKLOG_TIMEOUT = 2.0  # seconds the outbox count may take at a scrape


class ListenError(Exception):
    """The endpoint cannot listen where it was asked to; the message is one line."""


class _Handler(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **_kwargs: object) -> None:
        """A short line, never a traceback (tornado's debug pages are off anyway)."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class Health(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.write("ok\n")

    head = get


class Ready(_Handler):
    def initialize(self, readiness: Readiness) -> None:
        self.readiness = readiness

    async def get(self) -> None:
        verdict = await self.readiness.check()
        self.set_status(200 if verdict.ready else 503)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps(verdict.body) + "\n")


class Metrics(_Handler):
    def initialize(self, backlog: OffLoop[int]) -> None:
        self.backlog = backlog

    async def get(self) -> None:
        try:
            metrics.set_outbox_backlog(await self.backlog.run(BACKLOG_TIMEOUT))
        except Exception as exc:  # noqa: BLE001 - the other metrics are served all the same
            log.debug("outbox not counted: %s", type(exc).__name__)
            metrics.set_outbox_backlog(None)
        self.set_header("Content-Type", metrics.CONTENT_TYPE)
        self.write(metrics.render())


def _quiet(_handler: tornado.web.RequestHandler) -> None:
    """No access log (see the module docstring)."""


class OpsServer:
    """Serves the three paths on ``listen:port`` from the running event loop."""

    def __init__(self, listen: str, port: int, readiness: Readiness, backlog: Callable[[], int]):
        self.listen = listen
        self.port = port
        self.app = tornado.web.Application(
            [
                (r"/healthz", Health),
                (r"/readyz", Ready, {"readiness": readiness}),
                (r"/metrics", Metrics, {"backlog": OffLoop(backlog, "ops-outbox-count")}),
            ],
            log_function=_quiet,
        )
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        """Listen now (on the running loop); ``ListenError`` when the port cannot be had."""
        server = HTTPServer(self.app, xheaders=False)
        try:
            server.listen(self.port, address=self.listen)
        except OSError as exc:
            raise ListenError(f"could not listen for INNERCHILD_HTTP_PORT on {self.listen}:{self.port} ({exc.strerror or type(exc).__name__})") from None
        self._server = server
        log.info("health and metrics on http://%s:%s (/healthz, /readyz, /metrics)", self.listen, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
