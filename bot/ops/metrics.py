"""The Prometheus metrics, and the small functions the layers call to move them.

Why one module: the core, the check-ins, the reloader and the Telegram adapter each count
what they do by calling a function here (``turn``, ``safety_assessed``, ...), and this
module imports nothing of theirs, so dependencies point one way and the whole list of
metrics is read in one place. The metrics live on a ``CollectorRegistry`` of their own, not
prometheus-client's global one (which also collects process and platform metrics, and
which a test or a library could register into).

What is never here: message text, moods, names or person ids. Labels take only values from
small fixed sets (event kinds, outcomes, safety levels, check-in modes, Bot API method names
and HTTP status codes or error classes), so no label can carry what a person wrote.

- ``innerchild_turns_total{kind,outcome}``: turns by event kind (text, button, command,
  unsupported, open) and outcome (ok, duplicate, failed).
- ``innerchild_turn_duration_seconds{kind}``: how long a turn took, assessment to commit.
- ``innerchild_safety_assessments_total{level}``: every assessment of a person's words, by
  level (none, distress, concern, crisis).
- ``innerchild_checkins_sent_total{mode}``: check-ins composed and committed (normal, soft,
  rhythm); the adapter sends them from the outbox.
- ``innerchild_outbox_backlog``: replies waiting in the outbox (counted when scraped).
- ``innerchild_telegram_errors_total{method,code}``: Bot API calls that failed, by method and
  by HTTP status (``409``, ``429``, ``403`` ...) or, with no answer at all, error class
  (``NetworkError``, ``TimedOut``).
- ``innerchild_script_reloads_total{result}``: reloads of the scripts, ``ok`` or ``refused``
  (a problem in the files: the scripts served before stay).
"""

from __future__ import annotations

import re

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from safety import Level

from ..domain import EventKind

__all__ = ["CONTENT_TYPE", "REGISTRY", "checkin_sent", "render", "safety_assessed", "script_reload", "set_outbox_backlog", "telegram_error", "turn"]

disable_created_metrics()  # type: ignore[no-untyped-call]  # no ``*_created`` series: one timestamp per label set, of no use here
REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

OUTCOMES = ("ok", "duplicate", "failed")
CHECKIN_MODES = ("normal", "soft", "rhythm")  # checkins.openers NORMAL, SOFT, RHYTHM (a test keeps them equal)
RELOAD_RESULTS = ("ok", "refused")
_METHOD = re.compile(r"[A-Za-z]{1,64}")

TURNS = Counter("innerchild_turns", "Turns (one event of one person) by event kind and outcome.", ("kind", "outcome"), registry=REGISTRY)
TURN_SECONDS = Histogram(
    "innerchild_turn_duration_seconds",
    "How long a turn took, from the safety assessment to the commit.",
    ("kind",),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
SAFETY = Counter("innerchild_safety_assessments", "Assessments of a person's words, by level.", ("level",), registry=REGISTRY)
CHECKINS = Counter("innerchild_checkins_sent", "Check-ins composed and committed for sending, by mode.", ("mode",), registry=REGISTRY)
OUTBOX = Gauge("innerchild_outbox_backlog", "Replies waiting in the outbox (counted when scraped; NaN when the count failed).", registry=REGISTRY)
TELEGRAM_ERRORS = Counter(
    "innerchild_telegram_errors",
    "Bot API calls that failed, by method and by HTTP status or (no answer) error class.",
    ("method", "code"),
    registry=REGISTRY,
)
RELOADS = Counter("innerchild_script_reloads", "Reloads of the dialogue scripts, ok or refused.", ("result",), registry=REGISTRY)

# Every known label value from the start, so a dashboard sees 0 rather than no series.
for _kind in EventKind:
    TURN_SECONDS.labels(_kind.value)
    for _outcome in OUTCOMES:
        TURNS.labels(_kind.value, _outcome)
for _level in Level:
    SAFETY.labels(_level.label)
for _mode in CHECKIN_MODES:
    CHECKINS.labels(_mode)
for _result in RELOAD_RESULTS:
    RELOADS.labels(_result)
OUTBOX.set(float("nan"))


def turn(kind: EventKind, outcome: str, seconds: float) -> None:
    """One turn ended: ``outcome`` is ok, duplicate or failed."""
    TURNS.labels(kind.value, outcome if outcome in OUTCOMES else "failed").inc()
    TURN_SECONDS.labels(kind.value).observe(max(0.0, seconds))


def safety_assessed(level: Level) -> None:
    SAFETY.labels(level.label).inc()


def checkin_sent(mode: str) -> None:
    CHECKINS.labels(mode if mode in CHECKIN_MODES else "normal").inc()


def set_outbox_backlog(count: int | None) -> None:
    """The outbox's size as just counted; None when it could not be counted (NaN)."""
    OUTBOX.set(float("nan") if count is None else count)


def telegram_error(method: str, code: int | str) -> None:
    """A failed Bot API call: ``method`` as in the URL (``sendMessage``), ``code`` the HTTP
    status or the error class. Anything that does not look like a method name is "other",
    so a token or an id can never become a label."""
    TELEGRAM_ERRORS.labels(method if _METHOD.fullmatch(method) else "other", str(code)).inc()


def script_reload(ok: bool) -> None:
    RELOADS.labels("ok" if ok else "refused").inc()


def render() -> bytes:
    """The Prometheus text exposition of every metric above."""
    return generate_latest(REGISTRY)
