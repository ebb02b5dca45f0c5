"""Aggregate counts for operators. Nothing here returns content or a person's identity."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from .models import Person, SafetyEvent, UsageCount
from .repository import Repository


def people_counts(repo: Repository, active_since: datetime) -> dict[str, int]:
    session = repo.session
    total = session.scalar(select(func.count()).select_from(Person)) or 0
    active = session.scalar(select(func.count()).select_from(Person).where(Person.last_seen_at >= active_since)) or 0
    return {"total": total, "active_30_days": active}


def counts_since(repo: Repository, since: date | None) -> dict[str, object]:
    query = select(UsageCount.kind, func.sum(UsageCount.count)).group_by(UsageCount.kind)
    if since is not None:
        query = query.where(UsageCount.day >= since)
    counts: dict[str, object] = {kind: int(total or 0) for kind, total in repo.session.execute(query)}
    level_query = select(SafetyEvent.level, func.count()).group_by(SafetyEvent.level)
    if since is not None:
        start = datetime(since.year, since.month, since.day, tzinfo=UTC)
        level_query = level_query.where(SafetyEvent.created_at >= start)
    counts["safety_events"] = {level: n for level, n in repo.session.execute(level_query)}
    return counts
