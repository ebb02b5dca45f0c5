"""People with moods and finished conversations, made directly in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage import DialogueSession, SessionStatus
from bot.storage import checkins as store

from ..checkins.helpers import add_person

PNG = b"\x89PNG\r\n\x1a\n"


def person_with_moods(runtime, user: str, now: datetime, moods: list[tuple[int, int]], *, checkins: bool = True, zone: str = "Europe/London") -> None:
    """An onboarded person; ``moods`` are (days ago, mood) pairs, answered at ``now`` minus those days."""
    add_person(runtime, user, now, zone=zone)
    with runtime.database.transaction() as repo:
        person = repo.find_person(user)
        for days_ago, mood in moods:
            store.add_mood(repo, person, mood, now - timedelta(days=days_ago))
        if not checkins:
            store.settings_for(repo, person).enabled = False


def finish(runtime, user: str, dialogue_id: str, at: datetime) -> None:
    """``dialogue_id`` as finished by ``user`` at ``at``."""
    with runtime.database.transaction() as repo:
        person = repo.find_person(user)
        repo.add_session(DialogueSession(
            person_id=person.id, dialogue_id=dialogue_id, state="end", step=1, status=SessionStatus.FINISHED,
            context=None, started_at=at, updated_at=at, finished_at=at,
        ))
