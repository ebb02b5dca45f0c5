"""Where log lines go and how they look: plain text for a terminal, or one JSON object a line
(``INNERCHILD_LOG_FORMAT=json``) for a log collector.

Never a person's words: the companion logs kinds, ids of scripts and classes of errors, and
the libraries that could log more are held above the level where they would (PTB and httpx
in ``telegram.run``). Chatty libraries (``transitions`` writes several INFO lines for every
button press) stay at WARNING unless the level is DEBUG.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message")
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
HANDLER = "innerchild"
CHATTY = ("transitions", "apscheduler", "alembic", "matplotlib", "PIL", "asyncio", "tornado.access")


class Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is written (a test runner swaps it,
    and a handler holding an old, closed stream would fail)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class JsonLines(JsonFormatter):
    """python-json-logger's formatter, but an exception text a filter already wrote (``Redact``
    hides the bot token in it) is used as it is, not formatted again from the exception."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and record.exc_text:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None})
        return super().format(record)


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonLines(JSON_FIELDS, rename_fields=JSON_NAMES, datefmt="%Y-%m-%dT%H:%M:%S%z")
    return logging.Formatter(TEXT_FORMAT)


def setup_logging(level: str, log_format: str = "text") -> None:
    """One handler on standard error, in the chosen format; chatty libraries at WARNING
    unless ``level`` is DEBUG. A second call replaces the handler the first added (and
    leaves others alone: a test runner's capture, say)."""
    handler = Stderr()
    handler.setFormatter(formatter(log_format))
    handler.set_name(HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
