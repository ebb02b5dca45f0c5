"""Sessions written straight into the database, for counts no conversation could reach
quickly (twelve people, a removed script, a renamed step)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.storage import DialogueSession, SessionStatus

Row = tuple[str, str, str, str]  # (who, dialogue id, status, state)

FINISHED, ACTIVE, PAUSED, ABANDONED = (SessionStatus.FINISHED, SessionStatus.ACTIVE, SessionStatus.PAUSED, SessionStatus.ABANDONED)


def rows(dialogue: str, status: str, state: str, people: Iterable[int], *, each: int = 1) -> list[Row]:
    """``each`` sessions of ``dialogue`` at ``state`` for every person numbered in ``people``."""
    return [(f"p{n}", dialogue, status, state) for n in people for _ in range(each)]


def seed(database, found: Iterable[Row], now: datetime) -> None:
    with database.transaction() as repo:
        people = {}
        for who, dialogue, status, state in found:
            if who not in people:
                people[who] = repo.get_or_create_person(f"tg:{who}", now)[0]
            repo.add_session(DialogueSession(
                person_id=people[who].id, dialogue_id=dialogue, state=state, status=status,
                context=None, started_at=now, updated_at=now, finished_at=now if status == FINISHED else None,
            ))
