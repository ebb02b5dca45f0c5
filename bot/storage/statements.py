"""The statements on every turn's path, built once at import.

Building a SQLAlchemy statement (``select(...).where(...)``) and finding its cache key costs
more than SQLite takes to run it, and a turn runs about a dozen: so these are built here
once, with a ``bindparam`` for each value that changes, and ``Repository`` passes the values.
Where PostgreSQL and SQLite spell a statement differently (``INSERT ... ON CONFLICT``), there
is one for each dialect, by its name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import CompoundSelect, and_, bindparam, exists, func, insert, select, union_all, update

from .models import DialogueSession, JournalEntry, OutboxBubble, Person, ProcessedUpdate, SafetyEvent, UsageCount
from .states import SessionStatus
from .upsert import insert_for

if TYPE_CHECKING:
    from .upsert import Insert

# -- people ---------------------------------------------------------------------------------
PERSON = select(Person).where(Person.external_id == bindparam("external_id"))
PERSON_LOCKED = PERSON.with_for_update()  # PostgreSQL: one turn of a person at a time
# A turn's first read: the person, locked, with their active session (None when there is
# none) and whether replies of theirs wait in the outbox.
_WAITING = exists().where(OutboxBubble.person_id == Person.id)
PERSON_AND_ACTIVE = (
    select(Person, DialogueSession, _WAITING.label("waiting"))
    .outerjoin(DialogueSession, and_(DialogueSession.person_id == Person.id, DialogueSession.status == SessionStatus.ACTIVE))
    .where(Person.external_id == bindparam("external_id"))
    .order_by(DialogueSession.id.desc())
    .limit(1)
    .with_for_update(of=Person)
)

_ANSWERING = exists().where(DialogueSession.person_id == Person.id, DialogueSession.status == SessionStatus.ACTIVE)
SAFETY_HISTORY = select(Person.recent_safety, Person.country, _ANSWERING.label("answering")).where(
    Person.external_id == bindparam("external_id")
)

# -- dialogue sessions ------------------------------------------------------------------------
ACTIVE_SESSION = (
    select(DialogueSession)
    .where(DialogueSession.person_id == bindparam("person_id"), DialogueSession.status == SessionStatus.ACTIVE)
    .order_by(DialogueSession.id.desc())
    .limit(1)
)
VISITS = select(func.count()).select_from(DialogueSession).where(
    DialogueSession.person_id == bindparam("person_id"), DialogueSession.dialogue_id == bindparam("dialogue_id")
)
VISITS_BEFORE = VISITS.where(DialogueSession.id < bindparam("before"))
FINISHED_ANY = select(
    exists().where(
        DialogueSession.person_id == bindparam("person_id"),
        DialogueSession.status == SessionStatus.FINISHED,
        DialogueSession.dialogue_id.in_(bindparam("dialogue_ids", expanding=True)),
    )
)

# -- the journal -----------------------------------------------------------------------------------
# A new entry, giving its id: built once (an ``insert(...).values(...)`` built each time cost a
# turn that saves an answer more than running it), on the connection, so no flush comes first.
ADD_ANSWER = (
    insert(JournalEntry)
    .values(
        person_id=bindparam("person_id"),
        dialogue_id=bindparam("dialogue_id"),
        key=bindparam("key"),
        text=bindparam("text"),
        question=bindparam("question"),
        created_at=bindparam("created_at"),
    )
    .returning(JournalEntry.id)
)
# An answer written in parts: the words so far replace the entry's, if it is the person's.
REWRITE_ANSWER = (
    update(JournalEntry)
    .where(JournalEntry.id == bindparam("entry_id"), JournalEntry.person_id == bindparam("owner"))
    .values(text=bindparam("words"))
)

# -- the journal: the newest answer under each key, one index step each ---------------------------
_RANK = func.row_number().over(partition_by=JournalEntry.key, order_by=(JournalEntry.created_at.desc(), JournalEntry.id.desc()))
_RANKED = select(JournalEntry.id, _RANK.label("rank")).where(JournalEntry.person_id == bindparam("person_id")).subquery()
# Every key's newest (``/journal``-like reads, not a turn's): ranks all of the person's entries.
NEWEST_ANSWERS = select(JournalEntry.key, JournalEntry.text).join(_RANKED, _RANKED.c.id == JournalEntry.id).where(_RANKED.c.rank == 1)


@lru_cache(maxsize=16)
def newest_answers_of(keys: int) -> CompoundSelect[tuple[str, str]]:
    """The newest entry under each of ``keys`` named keys (``key0``, ``key1`` ...) of one
    person: per key, the last step of the index on (person, key, created_at, id), so a
    turn's read costs the same after one answer or a thousand. A script reads a few keys;
    one statement is built for each count."""
    parts = []
    for n in range(keys):
        newest = (
            select(JournalEntry.key, JournalEntry.text)
            .where(JournalEntry.person_id == bindparam("person_id"), JournalEntry.key == bindparam(f"key{n}"))
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .limit(1)
            .subquery()
        )
        parts.append(select(newest.c.key, newest.c.text))
    return union_all(*parts)


# -- INSERT ... ON CONFLICT, in each dialect (built when a database of that dialect first asks) --
@lru_cache(maxsize=None)
def mark_update(dialect: str) -> Insert:
    """A processed update: one INSERT whose row count tells a redelivery (0: it was there)."""
    statement = insert_for(dialect)(ProcessedUpdate).values(
        key=bindparam("key"), person_id=bindparam("person_id"), created_at=bindparam("created_at")
    )
    return statement.on_conflict_do_nothing().execution_options(preserve_rowcount=True)  # an INSERT's count is kept only when asked


@lru_cache(maxsize=None)
def count(dialect: str) -> Insert:
    """A day's count: one upsert, safe when two turns count at once."""
    statement = insert_for(dialect)(UsageCount).values(day=bindparam("day"), kind=bindparam("kind"), count=bindparam("amount"))
    return statement.on_conflict_do_update(
        index_elements=[UsageCount.day, UsageCount.kind], set_={"count": UsageCount.count + statement.excluded.count}
    )


@lru_cache(maxsize=None)
def count_safety(dialect: str) -> Insert:
    """Safety referrals: ``amount`` more in their day's count (the day only: no time, no
    order, no person)."""
    values: dict[str, object] = {"day": bindparam("day"), "level": bindparam("level"), "categories": bindparam("categories"), "source": bindparam("source")}
    statement = insert_for(dialect)(SafetyEvent).values(**values, count=bindparam("amount"))
    return statement.on_conflict_do_update(
        index_elements=[SafetyEvent.day, SafetyEvent.level, SafetyEvent.categories, SafetyEvent.source],
        set_={"count": SafetyEvent.count + statement.excluded.count},
    )
