"""Reading and writing inside one transaction. The service never writes SQL itself.

A turn runs a handful of these, so each is one statement where one will do: the processed
update is claimed with ``INSERT ... ON CONFLICT DO NOTHING`` (its row count tells a
redelivery), a counter is one upsert, the journal read back gives only the newest answer
under each key (however many a person wrote), and what the safety check needs before the
turn is one row. The statements on a turn's path are built once (``statements.py``).

Counts for operators (``count``, ``record_safety``) are written last, when the transaction
is about to commit (``finish``), in one fixed order. Why: a count's row is shared by every
transaction that counts the same thing that day, and on PostgreSQL its lock is held until
commit; taken as each turn happened to need them, two transactions could each hold one
counter and wait for the other's (a deadlock). Taken last and in the same order by everyone,
they never wait in a circle, and each is held only for the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, false, func, not_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import statements as sql
from .models import DialogueSession, JournalEntry, Person, ProcessedUpdate
from .states import SessionStatus


@dataclass(frozen=True)
class SafetyHistory:
    """What the safety check needs to know of a person before their turn begins."""

    recent_safety: list[dict[str, Any]]
    country: str | None
    answering: bool  # a dialogue is active, so the message may be an exercise answer


@dataclass(frozen=True)
class FirstRead:
    """What a turn reads first (``Repository.person_for_turn``)."""

    person: Person
    active: DialogueSession | None  # their active session
    replies_waiting: bool  # bubbles of theirs are in the outbox (a 429, a crash): the new ones go after


class Repository:
    """One transaction's reads and writes. It lives as long as the transaction, so what it
    read of a person's history (the newest journal answers, how often they began a
    dialogue) is kept until one of its own writes changes it: a turn asks once."""

    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self._newest: dict[int, dict[str, str | None]] = {}  # person id -> key -> newest answer (None: none)
        self._visits: dict[tuple[int, str, int | None], int] = {}
        self._counts: dict[tuple[date, str], int] = {}  # (day, kind) -> to add at ``finish``
        self._referrals: dict[tuple[date, str, str, str], int] = {}  # (day, level, categories, source) -> to add

    def finish(self) -> None:
        """Write the transaction's counts, in one order (by table, then by key): the last
        statements before the commit (``Database.transaction`` calls this)."""
        if self._counts:
            counted = sql.count(self.dialect)
            for (day, kind), amount in sorted(self._counts.items()):
                self.session.connection().execute(counted, {"day": day, "kind": kind, "amount": amount})
        if self._referrals:
            referred = sql.count_safety(self.dialect)
            for (day, level, categories, source), amount in sorted(self._referrals.items()):
                values = {"day": day, "level": level, "categories": categories, "source": source, "amount": amount}
                self.session.connection().execute(referred, values)
        self._counts, self._referrals = {}, {}

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that may fail on its own (one nudge of a sweep's batch):
        on an exception its writes are rolled back, the counts it added with them, and what
        this repository remembered of it is forgotten; the exception goes on."""
        counts, referrals = dict(self._counts), dict(self._referrals)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            self._counts, self._referrals = counts, referrals
            self._newest.clear()
            self._visits.clear()
            raise

    # -- people ----------------------------------------------------------------------------
    def find_person(self, external_id: str, *, lock: bool = False) -> Person | None:
        return self.session.scalars(sql.PERSON_LOCKED if lock else sql.PERSON, {"external_id": external_id}).first()

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

    def person_for_turn(self, external_id: str, now: datetime) -> FirstRead:
        """A turn's first read, one statement for someone known: the person (locked, made
        when new), their active session, and whether replies of theirs wait in the outbox."""
        row = self.session.execute(sql.PERSON_AND_ACTIVE, {"external_id": external_id}).first()
        if row is not None:
            return FirstRead(row[0], row[1], bool(row[2]))
        person, created = self.get_or_create_person(external_id, now)
        if created:
            return FirstRead(person, None, False)
        return FirstRead(person, self.active_session(person), True)  # made meanwhile by another turn: assume so

    def delete_person(self, person: Person) -> None:
        """Erase a person and everything that names them (the cascades take the rest)."""
        pid = person.id
        for model in (ProcessedUpdate, JournalEntry, DialogueSession):
            self.session.execute(delete(model).where(model.person_id == pid))
        self.session.delete(person)
        self.session.flush()
        self._newest.pop(pid, None)
        self._visits = {k: v for k, v in self._visits.items() if k[0] != pid}

    # -- retention (``bot/retention.py``) ------------------------------------------------------
    def expired_people(self, *, seen_before: datetime, noticed_before: datetime, unreached_before: datetime, limit: int = 500) -> list[Person]:
        """Whom retention deletes now: away since ``seen_before`` with a notice Telegram
        accepted before ``noticed_before``; or away since ``unreached_before`` (the longer
        period for people no notice reached), unless a notice reached them after
        ``noticed_before`` (its promised days are kept)."""
        notice_old = Person.retention_notice_at <= noticed_before
        noticed = and_(Person.last_seen_at < seen_before, notice_old)
        unreached = and_(Person.last_seen_at < unreached_before, or_(Person.retention_notice_at.is_(None), notice_old))
        query = select(Person).where(or_(noticed, unreached)).order_by(Person.last_seen_at).limit(limit)
        return list(self.session.scalars(query))

    def people_to_notice(self, seen_before: datetime, reachable: tuple[str, ...], *, limit: int = 500) -> list[Person]:
        """Away since ``seen_before``, reachable (not blocked, an adapter that can write to
        them first: ids beginning with one of ``reachable``), and no notice queued yet."""
        query = select(Person).where(
            Person.last_seen_at < seen_before,
            Person.retention_queued_at.is_(None),
            Person.retention_notice_at.is_(None),
            Person.active.is_(True),
            or_(*(Person.external_id.startswith(prefix, autoescape=True) for prefix in reachable)) if reachable else false(),
        )
        return list(self.session.scalars(query.order_by(Person.last_seen_at).limit(limit)))

    def notices_pending(self, seen_before: datetime, reachable: tuple[str, ...]) -> tuple[int, int]:
        """Of those away since ``seen_before`` with no notice delivered: how many have one
        queued and waiting for Telegram, and how many no notice can reach (blocked the bot,
        or an adapter that cannot write first, such as the console)."""
        away = and_(Person.last_seen_at < seen_before, Person.retention_notice_at.is_(None))
        reachable_id = or_(*(Person.external_id.startswith(prefix, autoescape=True) for prefix in reachable)) if reachable else false()
        can_reach = and_(Person.active.is_(True), reachable_id)
        waiting = select(func.count()).select_from(Person).where(away, can_reach, Person.retention_queued_at.is_not(None))
        unreachable = select(func.count()).select_from(Person).where(away, not_(can_reach))
        return int(self.session.scalar(waiting) or 0), int(self.session.scalar(unreachable) or 0)

    # -- processed updates -----------------------------------------------------------------
    def update_seen(self, key: str) -> bool:
        return self.session.get(ProcessedUpdate, key) is not None

    def mark_update(self, key: str, person: Person, now: datetime) -> bool:
        """Record the update as processed, in one statement; False when it already was (a
        redelivery: nothing of the turn may happen twice). The row goes with the person,
        so ``delete_person`` in the same transaction takes it back."""
        values = {"key": key, "person_id": person.id, "created_at": now}
        result = self.session.connection().execute(sql.mark_update(self.dialect), values)  # Core: its row count
        return bool(getattr(result, "rowcount", 0))  # an INSERT's result is a CursorResult

    def prune_updates(self, before: datetime) -> int:
        result = self.session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)  # a DELETE's result is a CursorResult

    # -- dialogue sessions -----------------------------------------------------------------
    def active_session(self, person: Person) -> DialogueSession | None:
        return self.session.scalars(sql.ACTIVE_SESSION, {"person_id": person.id}).first()

    def paused_sessions(self, person: Person) -> list[DialogueSession]:
        query = select(DialogueSession).where(
            DialogueSession.person_id == person.id, DialogueSession.status == SessionStatus.PAUSED
        )
        return list(self.session.scalars(query.order_by(DialogueSession.updated_at.desc(), DialogueSession.id.desc())))

    def add_session(self, session: DialogueSession) -> DialogueSession:
        self.session.add(session)
        self.session.flush()
        self._visits = {k: v for k, v in self._visits.items() if k[0] != session.person_id}
        return session

    def finished_dialogues(self, person: Person) -> dict[str, datetime | None]:
        query = (
            select(DialogueSession.dialogue_id, func.max(DialogueSession.finished_at))
            .where(DialogueSession.person_id == person.id, DialogueSession.status == SessionStatus.FINISHED)
            .group_by(DialogueSession.dialogue_id)
        )
        return {dialogue: when for dialogue, when in self.session.execute(query)}

    def finished_any(self, person: Person, dialogue_ids: set[str]) -> bool:
        """Whether the person finished any of these dialogues (one EXISTS, however many
        sessions they have had)."""
        if not dialogue_ids:
            return False
        return bool(self.session.scalar(sql.FINISHED_ANY, {"person_id": person.id, "dialogue_ids": sorted(dialogue_ids)}))

    def visits_before(self, person: Person, dialogue_id: str, before_session: int | None) -> int:
        """How many times the person started this dialogue before the given session."""
        known = (person.id, dialogue_id, before_session)
        if known not in self._visits:
            values = {"person_id": person.id, "dialogue_id": dialogue_id, "before": before_session}
            # Core, no flush first: a session is flushed as it is added (``add_session``)
            counted = self.session.connection().scalar(sql.VISITS if before_session is None else sql.VISITS_BEFORE, values)
            self._visits[known] = counted or 0
        return self._visits[known]

    # -- journal ---------------------------------------------------------------------------
    def add_journal(
        self, person: Person, dialogue_id: str, key: str, text: str, now: datetime, *, question: str | None = None
    ) -> int:
        """A new entry, with the question it answers when known: one INSERT, at once, that
        gives its id (to grow it later: ``rewrite_journal``) and writes nothing else."""
        values = dict(person_id=person.id, dialogue_id=dialogue_id, key=key, text=text, question=question or None, created_at=now)
        entry_id = self.session.connection().execute(sql.ADD_ANSWER, values).scalar_one()  # Core: no flush first, as before
        self._newest.get(person.id, {}).pop(key, None)  # read again if asked (it may not be the newest)
        return int(entry_id)

    def rewrite_journal(self, person: Person, entry_id: int, text: str) -> bool:
        """Replace the words of one of the person's entries (an answer grown by a part); its
        date and question stay the first part's. False when there is no such entry of theirs.
        One UPDATE: the old words are never read."""
        values = {"entry_id": entry_id, "owner": person.id, "words": text}
        rewritten = self.session.connection().execute(sql.REWRITE_ANSWER, values).rowcount
        self._newest.pop(person.id, None)  # under whichever key it was: read again if asked
        return bool(rewritten)

    def latest_journal(self, person: Person, keys: set[str] | None = None) -> dict[str, str]:
        """The newest entry for each key (all keys when none are named), in one query that
        reads and decrypts only those: a person's older answers cost nothing here. Named
        keys are read once a transaction (until an entry under one is written)."""
        if keys is None:
            return self._newest_entries(person, None)
        known = self._newest.setdefault(person.id, {})
        missing = keys - known.keys()
        if missing:
            found = self._newest_entries(person, missing)
            known.update({key: found.get(key) for key in missing})
        return {key: text for key in sorted(keys) if (text := known[key]) is not None}

    def _newest_entries(self, person: Person, keys: set[str] | None) -> dict[str, str]:
        # Core, no flush first: entries are written at once (``add_journal``, ``rewrite_journal``)
        if keys is None:
            rows = self.session.connection().execute(sql.NEWEST_ANSWERS, {"person_id": person.id})
        else:
            named = sorted(keys)
            values: dict[str, object] = {f"key{n}": key for n, key in enumerate(named)}
            rows = self.session.connection().execute(sql.newest_answers_of(len(named)), values | {"person_id": person.id})
        return {key: text for key, text in rows}

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
        """One more referral in today's count: the day only, so nothing here equals the
        person's ``last_safety_at`` (or any time of theirs), and an upsert, no row of its
        own, so no id or row order tells whose came first (``models.SafetyEvent``). Written
        at ``finish``."""
        key = (now.date(), level, ",".join(categories)[:255], source)
        self._referrals[key] = self._referrals.get(key, 0) + 1

    def count(self, kind: str, now: datetime, amount: int = 1) -> None:
        """Add to today's count of ``kind``: an upsert at ``finish``, safe when two turns
        count at once."""
        key = (now.date(), kind)
        self._counts[key] = self._counts.get(key, 0) + amount


def safety_history(connection: Connection, external_id: str) -> SafetyHistory | None:
    """What the safety check reads before a turn, on a bare connection: one statement, so
    the read needs no Session (``Database.safety_history``). Plain columns only (no
    encrypted one is read), so a key that does not match the stored data cannot stop it;
    None for someone new."""
    row = connection.execute(sql.SAFETY_HISTORY, {"external_id": external_id}).first()
    if row is None:
        return None
    return SafetyHistory(list(row.recent_safety or []), row.country, bool(row.answering))
