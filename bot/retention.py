"""Retention: people inactive for the operator's chosen period are deleted, after a notice
that reached them; people no notice can reach, after a longer period.

With ``INNERCHILD_RETENTION_DAYS`` set, someone not seen for (days - notice days) gets one
notice, queued in the outbox (``retention_queued_at``). They count as *noticed* only when
Telegram has accepted it: the outbox marks ``retention_notice_at`` as it forgets the sent
bubble (``storage.outbox``), never when it is queued. Any message from them cancels it (the
companion clears both marks on every turn, and drops a notice still waiting).

Deleted, exactly as ``/delete`` does:

- someone away the full period whose notice was delivered at least the notice period ago;
- someone away ``INNERCHILD_RETENTION_UNREACHABLE_DAYS`` (default: twice the retention days)
  whom no notice reached: they blocked the bot, chat in the console (nothing can write to
  them first), or no notice got through (the bot was not running, Telegram kept refusing).
  A notice that reached them late still gets its notice period first.

The scheduler of ``innerchild run`` runs the sweep hourly and sends the notices at once;
``innerchild retention`` (cron) runs the same sweep, queueing the notices in the outbox for
the running bot to send (it has no Telegram connection of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .core import Companion
from .domain import Button, COMMAND_BUTTON, Reply
from .storage import Person, outbox
from .storage import budget as send_budget

# Adapters that can write to someone who has not written first. A console person is only
# "reached" when they open the console, which is itself activity.
REACHABLE = ("tg:",)


@dataclass
class RetentionResult:
    # (person id, the notice to send now): empty replies when it waits in the outbox
    notices: list[tuple[str, list[Reply]]] = field(default_factory=list)
    queued: int = 0  # notices put in the outbox by this sweep
    waiting: int = 0  # notices queued earlier that Telegram has not accepted yet
    unreachable: int = 0  # away, and no notice can reach them: the longer period applies
    deleted: int = 0  # after a delivered notice
    deleted_unreached: int = 0  # after the longer period, no notice having reached them


def unreachable_days(days: int, configured: int) -> int:
    """The longer period: as configured, or twice the retention days (never shorter than them)."""
    return max(configured, days) if configured > 0 else 2 * days


def sweep(companion: Companion, now: datetime, *, notice_days: int, unreached_days: int = 0, queue: bool = False) -> RetentionResult:
    """Delete whom the rules above allow, and notify whom they will reach.

    The notices go in the outbox when the companion sends through it (the Telegram bot) or
    ``queue`` (the cron command: for the running bot to send); otherwise they come back in
    ``notices`` for the caller to send, and to confirm with ``delivered``."""
    days = companion.retention_days
    result = RetentionResult()
    if days <= 0:
        return result
    notice_days = max(0, min(notice_days, days))
    longest = unreachable_days(days, unreached_days)
    notify_before = now - timedelta(days=days - notice_days)
    with companion.db.transaction() as repo:
        expired = repo.expired_people(
            seen_before=now - timedelta(days=days),
            noticed_before=now - timedelta(days=notice_days),
            unreached_before=now - timedelta(days=longest),
        )
        for person in expired:
            if person.retention_notice_at is not None:
                result.deleted += 1
            else:
                result.deleted_unreached += 1
            repo.delete_person(person)
            repo.count("people_expired", now)
        for person in repo.people_to_notice(notify_before, REACHABLE):
            person.retention_queued_at = now
            notice = [_notice(companion, person, notice_days)]
            if queue:
                outbox.keep(repo, person, notice, now, notice=True)
                stored = True
            else:
                stored = companion.keep_replies(repo, person, notice, now, notice=True)
            result.queued += stored
            result.notices.append((person.external_id, [] if stored else notice))
        result.waiting, result.unreachable = repo.notices_pending(notify_before, REACHABLE)
        result.waiting -= len(result.notices)  # counted there already: these were just queued
    return result


def _notice(companion: Companion, person: Person, notice_days: int) -> Reply:
    texts, context = companion.library.texts, {"days": notice_days, "name": person.name or ""}
    still_here = Button(texts.plain("button_still_here", context), f"{COMMAND_BUTTON}:notnow")
    return Reply(texts.render("retention_notice", context), (still_here,))


def delivered(companion: Companion, user: str, now: datetime) -> None:
    """A notice sent without the outbox reached them (the caller's send succeeded): as the
    outbox does for its notices, unless a turn of theirs cancelled it meanwhile."""
    with companion.db.transaction() as repo:
        person = repo.find_person(user)
        if person is not None and person.retention_queued_at is not None and person.retention_notice_at is None:
            person.retention_notice_at = now


PROCESSED_UPDATES_KEEP = timedelta(days=7)


def prune_processed_updates(companion: Companion, now: datetime) -> int:
    """Forget processed-update ids after a week: Telegram never redelivers that late."""
    with companion.db.transaction() as repo:
        return repo.prune_updates(now - PROCESSED_UPDATES_KEEP)


def forget_quiet_chats(companion: Companion) -> int:
    """Forget the sending budget's rows of chats quiet for a minute (a Telegram chat id and
    the moment its next message may go): hourly, so no chat id stays there, after a
    ``/delete`` either, longer than about an hour. Each process also prunes them every
    thousand messages, which on a quiet bot could take days."""
    return send_budget.prune(companion.db)
