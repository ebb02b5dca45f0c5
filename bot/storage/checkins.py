"""Reading and writing the check-in tables inside one transaction (a ``Repository``).

``claim_due`` is the one query that matters for "never sent twice": on PostgreSQL it
locks the due rows *and* their people with ``FOR UPDATE ... SKIP LOCKED``, so two
schedulers take disjoint batches, and a person in the middle of their own turn (their
row locked by the companion) is simply left for the next sweep rather than waited on.
The caller advances ``next_due_at`` in the same transaction, which is the "mark sent".
SQLite has no row locks; there the single writer lock serialises sweeps instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from .checkin_models import CheckinMood, CheckinSettings
from .models import Person
from .repository import Repository

__all__ = [
    "CheckinMood", "CheckinSettings", "add_mood", "claim_due", "count_enabled", "ensure_settings",
    "mood_count", "moods", "peek_due", "settings_for",
]


def settings_for(repo: Repository, person: Person) -> CheckinSettings | None:
    return repo.session.get(CheckinSettings, person.id)


def ensure_settings(repo: Repository, person: Person, now: datetime) -> CheckinSettings:
    """The person's settings row, created (turned off, with defaults) on first use."""
    row = settings_for(repo, person)
    if row is None:
        row = CheckinSettings(
            person_id=person.id, enabled=False, rhythm="daily", days="", minute=20 * 60,
            quiet_start=22 * 60, quiet_end=8 * 60, missed=0, created_at=now, updated_at=now,
        )
        repo.session.add(row)
        repo.session.flush()
    return row


def _due_query(now: datetime, limit: int | None) -> Select[CheckinSettings, Person]:
    query = (
        select(CheckinSettings, Person)
        .join(Person, Person.id == CheckinSettings.person_id)
        .where(CheckinSettings.enabled.is_(True), CheckinSettings.next_due_at <= now)
        .order_by(CheckinSettings.next_due_at, CheckinSettings.person_id)
    )
    return query.limit(limit) if limit is not None else query


def claim_due(repo: Repository, now: datetime, limit: int | None) -> list[tuple[CheckinSettings, Person]]:
    """Lock up to ``limit`` due rows no one else holds, oldest first. The
    index on (enabled, next_due_at, person_id) (0008) hands them over in this order, so the
    query costs the same with 30 or 30,000 due (PostgreSQL sorted every due row before)."""
    query = _due_query(now, limit).with_for_update(skip_locked=True, of=[CheckinSettings, Person])
    return [(row, person) for row, person in repo.session.execute(query)]


def peek_due(repo: Repository, now: datetime, limit: int | None = None) -> list[tuple[CheckinSettings, Person]]:
    """Who is due at ``now``, without locking or changing anything (the operator's view)."""
    return [(row, person) for row, person in repo.session.execute(_due_query(now, limit))]


def count_enabled(repo: Repository) -> int:
    query = select(func.count()).select_from(CheckinSettings).where(CheckinSettings.enabled.is_(True))
    return repo.session.scalar(query) or 0


def add_mood(repo: Repository, person: Person, mood: int, now: datetime) -> None:
    repo.session.add(CheckinMood(person_id=person.id, mood=mood, created_at=now))


def moods(repo: Repository, person: Person, since: datetime | None = None) -> list[CheckinMood]:
    """The person's moods, oldest first; ``since``: only those from then on (each one read is
    one decryption, so a chart asks for its weeks, not for years)."""
    query = select(CheckinMood).where(CheckinMood.person_id == person.id)
    if since is not None:
        query = query.where(CheckinMood.created_at >= since)
    return list(repo.session.scalars(query.order_by(CheckinMood.created_at, CheckinMood.id)))


def mood_count(repo: Repository, person: Person) -> int:
    query = select(func.count()).select_from(CheckinMood).where(CheckinMood.person_id == person.id)
    return repo.session.scalar(query) or 0
