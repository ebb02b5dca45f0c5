"""Where log lines go and how they look: plain text for a terminal, or one JSON object a line
(``INNERCHILD_LOG_FORMAT=json``) for a log collector.

Never a person's words: the companion logs kinds, ids of scripts and classes of errors, and
the libraries that could log more are held above the level where they would (PTB and httpx
in ``telegram.run``). Levels are not enough: python-telegram-bot logs a webhook body it
cannot read, text and all, at CRITICAL, and a wrong secret token at DEBUG; so a line of
python-telegram-bot, httpx (httpcore) or tornado keeps its wording and its numbers, and every
other value in it (an update, a body, JSON, a token, a URL) shows as ``<withheld>``, and an
exception as its class name (``LibraryWords``, on those libraries' loggers and on the
handlers). Chatty libraries (``transitions`` writes several INFO lines for every button press)
stay at WARNING unless the level is DEBUG.
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
LIBRARIES = ("telegram", "httpx", "httpcore", "tornado")  # their lines can carry what people wrote
WITHHELD = "<withheld>"


def from_library(name: str) -> bool:
    return any(name == library or name.startswith(library + ".") for library in LIBRARIES)


def _shown(value: object) -> object:
    """A number stays (an update id, a status, a count); anything else could be words."""
    return value if value is None or isinstance(value, (bool, int, float)) else WITHHELD


class LibraryWords(logging.Filter):
    """A line of a library that may carry what people wrote keeps its wording and numbers;
    its other values become ``<withheld>``, its exception its class name. Our own lines pass
    as they are (they never carry words: a rule of the house, tested)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not from_library(record.name):
            return True
        if not isinstance(record.msg, str):  # logger.debug(update)
            record.msg = WITHHELD
        if isinstance(record.args, dict) and "%(" in record.msg:  # named fields: the names are the library's
            record.args = {key: _shown(value) for key, value in record.args.items()}
        elif isinstance(record.args, dict):  # one dict to show whole (a body): its keys could be words too
            record.args = (WITHHELD,)
        elif record.args:
            record.args = tuple(_shown(value) for value in record.args)
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.msg} ({type(error).__name__})"
            record.exc_info = None
        record.exc_text = record.stack_info = None
        return True


WITHHOLD = LibraryWords()


def withhold_library_words() -> None:
    """``LibraryWords`` on every logger of those libraries made so far (for any handler, a
    test's capture too) and on the root's handlers (for loggers made later; a logger's own
    filter sees only the lines logged on it, not its children's). Safe to call again."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and from_library(name):
            logger.addFilter(WITHHOLD)
    for handler in logging.getLogger().handlers:
        handler.addFilter(WITHHOLD)


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
    withhold_library_words()
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
