"""Reading and writing inside one transaction. The service never writes SQL itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import DialogueSession, JournalEntry, Person, ProcessedUpdate, SafetyEvent, UsageCount

from .states import SessionStatus


@dataclass(frozen=True)
class SafetyHistory:
    """What the safety check needs to know of a person before their turn begins."""

    recent_safety: list[dict[str, Any]]
    country: str | None
    answering: bool  # a dialogue is active, so the message may be an exercise answer


class Repository:
    def __init__(self, session: Session):
        self.session = session

    # -- people ----------------------------------------------------------------------------
    def find_person(self, external_id: str, *, lock: bool = False) -> Person | None:
        query = select(Person).where(Person.external_id == external_id)
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def get_or_create_person(self, external_id: str, now: datetime) -> tuple[Person, bool]:
        person = self.find_person(external_id, lock=True)
        if person is not None:
            return person, False
        person = Person(external_id=external_id, created_at=now, last_seen_at=now, active=True, recent_safety=[])
        try:
            with self.session.begin_nested():
                self.session.add(person)
        except IntegrityError:  # created by a concurrent turn a moment ago
            return self.find_person(external_id, lock=True), False  # type: ignore[return-value]
        return person, True

    def safety_history(self, external_id: str) -> SafetyHistory | None:
        """Plain columns only (no encrypted one is read), so a key that does not match the
        stored data cannot stop it; None for someone new."""
        row = self.session.execute(
            select(Person.id, Person.recent_safety, Person.country).where(Person.external_id == external_id)
        ).first()
        if row is None:
            return None
        active = select(DialogueSession.id).where(
            DialogueSession.person_id == row.id, DialogueSession.status == SessionStatus.ACTIVE
        )
        answering = self.session.execute(active.limit(1)).first() is not None
        return SafetyHistory(list(row.recent_safety or []), row.country, answering)

    def delete_person(self, person: Person) -> None:
        """Erase a person and everything that names them (the cascades take the rest)."""
        pid = person.id
        for model in (ProcessedUpdate, JournalEntry, DialogueSession):
            self.session.execute(delete(model).where(model.person_id == pid))
        self.session.delete(person)
        self.session.flush()

    def inactive_people(self, seen_before: datetime, *, limit: int = 500) -> list[Person]:
        query = select(Person).where(Person.last_seen_at < seen_before).order_by(Person.last_seen_at).limit(limit)
        return list(self.session.scalars(query))

    # -- processed updates -----------------------------------------------------------------
    def update_seen(self, key: str) -> bool:
        return self.session.get(ProcessedUpdate, key) is not None

    def mark_update(self, key: str, person: Person, now: datetime) -> None:
        self.session.add(ProcessedUpdate(key=key, person_id=person.id, created_at=now))

    def prune_updates(self, before: datetime) -> int:
        result = self.session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)  # a DELETE's result is a CursorResult

    # -- dialogue sessions -----------------------------------------------------------------
    def active_session(self, person: Person) -> DialogueSession | None:
        query = select(DialogueSession).where(
            DialogueSession.person_id == person.id, DialogueSession.status == SessionStatus.ACTIVE
        )
        return self.session.scalars(query.order_by(DialogueSession.id.desc())).first()

    def paused_sessions(self, person: Person) -> list[DialogueSession]:
        query = select(DialogueSession).where(
            DialogueSession.person_id == person.id, DialogueSession.status == SessionStatus.PAUSED
        )
        return list(self.session.scalars(query.order_by(DialogueSession.updated_at.desc(), DialogueSession.id.desc())))

    def add_session(self, session: DialogueSession) -> DialogueSession:
        self.session.add(session)
        self.session.flush()
        return session

    def finished_dialogues(self, person: Person) -> dict[str, datetime | None]:
        query = (
            select(DialogueSession.dialogue_id, func.max(DialogueSession.finished_at))
            .where(DialogueSession.person_id == person.id, DialogueSession.status == SessionStatus.FINISHED)
            .group_by(DialogueSession.dialogue_id)
        )
        return {dialogue: when for dialogue, when in self.session.execute(query)}

    def visits_before(self, person: Person, dialogue_id: str, before_session: int | None) -> int:
        """How many times the person started this dialogue before the given session."""
        query = select(func.count()).select_from(DialogueSession).where(
            DialogueSession.person_id == person.id, DialogueSession.dialogue_id == dialogue_id
        )
        if before_session is not None:
            query = query.where(DialogueSession.id < before_session)
        return self.session.scalar(query) or 0

    # -- journal ---------------------------------------------------------------------------
    def add_journal(
        self, person: Person, dialogue_id: str, key: str, text: str, now: datetime, *, question: str | None = None, flush: bool = False
    ) -> JournalEntry:
        """A new entry, with the question it answers when known; ``flush`` gives it its id at
        once (to grow it later: ``rewrite_journal``)."""
        entry = JournalEntry(person_id=person.id, dialogue_id=dialogue_id, key=key, text=text, question=question or None, created_at=now)
        self.session.add(entry)
        if flush:
            self.session.flush()
        return entry

    def rewrite_journal(self, person: Person, entry_id: int, text: str) -> bool:
        """Replace the words of one of the person's entries (an answer grown by a part); its
        date and question stay the first part's. False when there is no such entry of theirs."""
        entry = self.session.get(JournalEntry, entry_id)
        if entry is None or entry.person_id != person.id:
            return False
        entry.text = text
        return True

    def latest_journal(self, person: Person, keys: set[str] | None = None) -> dict[str, str]:
        """The newest entry for each key (all keys when none are named)."""
        query = select(JournalEntry).where(JournalEntry.person_id == person.id)
        if keys is not None:
            if not keys:
                return {}
            query = query.where(JournalEntry.key.in_(sorted(keys)))
        latest: dict[str, str] = {}
        for entry in self.session.scalars(query.order_by(JournalEntry.created_at, JournalEntry.id)):
            latest[entry.key] = entry.text
        return latest

    def journal(self, person: Person, *, offset: int = 0, limit: int | None = None) -> list[JournalEntry]:
        query = (
            select(JournalEntry)
            .where(JournalEntry.person_id == person.id)
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def journal_count(self, person: Person) -> int:
        return self.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.person_id == person.id)) or 0

    # -- counts for operators --------------------------------------------------------------
    def record_safety(self, level: str, categories: tuple[str, ...], source: str, now: datetime) -> None:
        self.session.add(SafetyEvent(level=level, categories=",".join(categories)[:255], source=source, created_at=now))

    def count(self, kind: str, now: datetime, amount: int = 1) -> None:
        row = self.session.get(UsageCount, (now.date(), kind), with_for_update=True)
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.add(UsageCount(day=now.date(), kind=kind, count=amount))
                return
            except IntegrityError:
                row = self.session.get(UsageCount, (now.date(), kind), with_for_update=True)
        row.count += amount  # type: ignore[union-attr]
