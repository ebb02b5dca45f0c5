"""Aggregate counts for operators. Nothing here returns content or a person's identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import distinct, func, select

from .models import DialogueSession, Person, SafetyEvent, UsageCount
from .repository import Repository
from .states import SessionStatus


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
    level_query = select(SafetyEvent.level, func.sum(SafetyEvent.count)).group_by(SafetyEvent.level)
    if since is not None:
        level_query = level_query.where(SafetyEvent.day >= since)
    counts["safety_events"] = {level: int(n or 0) for level, n in repo.session.execute(level_query)}
    return counts


@dataclass(frozen=True)
class Tally:
    """One cell of a count: how many sessions, and how many different people behind them
    (the small-cell rule needs both: five sessions may be one person's)."""

    sessions: int
    people: int


NONE = Tally(0, 0)


@dataclass(frozen=True)
class DialogueTally:
    """One dialogue's sessions, exactly as stored: begun, finished, every other status, and
    the other statuses by the step (``state``) they are at. Raw: ``bot/funnels.py`` applies
    the small-cell rule before anything is shown."""

    dialogue_id: str
    started: Tally
    finished: Tally
    unfinished: Tally
    stopped_at: dict[str, Tally] = field(default_factory=dict)


def dialogue_tallies(repo: Repository) -> list[DialogueTally]:
    """Every dialogue id that has a session, counted in SQL (GROUP BY), never row by row:
    three aggregate queries that read ids, statuses and step names, and no content."""
    session = repo.session
    row = DialogueSession
    people = func.count(distinct(row.person_id))
    started = {d: Tally(n, p) for d, n, p in session.execute(select(row.dialogue_id, func.count(), people).group_by(row.dialogue_id))}
    done = (row.status == SessionStatus.FINISHED).label("done")
    split: dict[tuple[str, bool], Tally] = {
        (d, bool(f)): Tally(n, p) for d, f, n, p in session.execute(select(row.dialogue_id, done, func.count(), people).group_by(row.dialogue_id, done))
    }
    stops: dict[str, dict[str, Tally]] = {}
    unfinished = select(row.dialogue_id, row.state, func.count(), people).where(row.status != SessionStatus.FINISHED)
    for d, state, n, p in session.execute(unfinished.group_by(row.dialogue_id, row.state)):
        stops.setdefault(d, {})[state] = Tally(n, p)
    return [
        DialogueTally(d, started[d], split.get((d, True), NONE), split.get((d, False), NONE), stops.get(d, {}))
        for d in sorted(started)
    ]
