"""Retention: people inactive for the operator's chosen period are deleted, after a notice.

With ``INNERCHILD_RETENTION_DAYS`` set, someone not seen for (days - notice days) gets one
notice; any message from them cancels it (the companion clears the mark on every turn).
Someone not seen for the full period, and noticed at least the notice period ago, is deleted
exactly as ``/delete`` does. The scheduler runs the sweep and delivers the notices; the
``innerchild retention`` command runs it from cron.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .core import Companion
from .domain import Button, COMMAND_BUTTON, Reply


@dataclass
class RetentionResult:
    notices: list[tuple[str, list[Reply]]]  # (person id, what to send them)
    deleted: int


def sweep(companion: Companion, now: datetime, *, notice_days: int) -> RetentionResult:
    days = companion.retention_days
    if days <= 0:
        return RetentionResult([], 0)
    notice_days = max(0, min(notice_days, days))
    notices: list[tuple[str, list[Reply]]] = []
    deleted = 0
    with companion.db.transaction() as repo:
        for person in repo.inactive_people(now - timedelta(days=days - notice_days)):
            noticed = person.retention_notice_at
            gone_long_enough = person.last_seen_at < now - timedelta(days=days)
            if noticed is not None and gone_long_enough and noticed <= now - timedelta(days=notice_days):
                repo.delete_person(person)
                repo.count("people_expired", now)
                deleted += 1
            elif noticed is None:
                person.retention_notice_at = now
                if person.active:
                    texts, context = companion.library.texts, {"days": notice_days, "name": person.name or ""}
                    still_here = Button(texts.plain("button_still_here", context), f"{COMMAND_BUTTON}:notnow")
                    notice = [Reply(texts.render("retention_notice", context), (still_here,))]
                    stored = companion.keep_replies(repo, person, notice, now)  # the outbox, when on
                    notices.append((person.external_id, [] if stored else notice))
    return RetentionResult(notices, deleted)


PROCESSED_UPDATES_KEEP = timedelta(days=7)


def prune_processed_updates(companion: Companion, now: datetime) -> int:
    """Forget processed-update ids after a week: Telegram never redelivers that late."""
    with companion.db.transaction() as repo:
        return repo.prune_updates(now - PROCESSED_UPDATES_KEEP)
