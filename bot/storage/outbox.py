"""The outbox: a turn's replies, kept in the turn's own transaction until Telegram has them.

Why: a turn commits its new state and then sends; a crash (even SIGKILL) between the two,
or a reply cut off half-way, used to lose the reply for good, because the redelivered update
is a duplicate and duplicates change nothing. Now the replies commit *with* the turn, and a
sender delivers them in order, marking each Telegram message as it goes and deleting the
bubble once all of it is out. After a crash, a restart or a redelivered update, what was not
sent is sent, once, in order.

Several processes may share one database. A sender *claims* one person's waiting bubbles for
a short lease before sending (on PostgreSQL the person's row is locked ``FOR UPDATE SKIP
LOCKED`` while claiming, so two processes never claim the same person at once); when the
process dies its lease runs out and another takes over. A 429 for one chat sets that
chat's bubbles' ``not_before``: nothing else waits for it.

What a bubble holds (its text, buttons, and any picture or document as base64) is encrypted
like the journal (``EncryptedJSON``), and deleted once sent.
A bubble can still go out twice if the process dies after Telegram accepted a message and
before it was marked: at-least-once per message, exactly-once per turn.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..domain import Button, Document, Picture, Reply
from .database import Database
from .models import OutboxBubble, Person
from .repository import Repository

LEASE = timedelta(seconds=10)  # a claim's life; renewed as each message goes out

# The statements of every turn's sending, built once (building one costs more than running
# it) on the table itself: nothing here needs the ORM's objects.
_BUBBLES = cast(Table, OutboxBubble.__table__)
_PEOPLE = cast(Table, Person.__table__)
_KEEP = insert(_BUBBLES)
_KEEP_CLAIMED = insert(_BUBBLES).returning(_BUBBLES.c.id)
_WAITING = (
    select(_BUBBLES.c.id, _BUBBLES.c.reply, _BUBBLES.c.parts_sent, _BUBBLES.c.not_before, _BUBBLES.c.claimed_by, _BUBBLES.c.claimed_until)
    .join(_PEOPLE, _PEOPLE.c.id == _BUBBLES.c.person_id)
    .where(_PEOPLE.c.external_id == bindparam("user"))
    .order_by(_BUBBLES.c.id)
    .with_for_update(of=_PEOPLE, skip_locked=True)  # PostgreSQL: one claimer a person
)
_CLAIM = (
    update(_BUBBLES)
    .where(_BUBBLES.c.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_by=bindparam("owner"), claimed_until=bindparam("until"))
)
_MINE = _BUBBLES.c.claimed_by == bindparam("owner")
_ITS_PERSON = select(_BUBBLES.c.person_id).where(_BUBBLES.c.id == bindparam("bubble")).scalar_subquery()
# One message more of a bubble went out: its count, and the lease on the person's bubbles this
# process holds, in one UPDATE.
_PROGRESS = (
    update(_BUBBLES)
    .where(_BUBBLES.c.person_id == _ITS_PERSON, or_(_BUBBLES.c.id == bindparam("bubble"), _MINE))
    .values(
        parts_sent=case((_BUBBLES.c.id == bindparam("bubble"), bindparam("parts")), else_=_BUBBLES.c.parts_sent),
        claimed_until=case((_MINE, bindparam("until")), else_=_BUBBLES.c.claimed_until),
    )
)
_RENEW = update(_BUBBLES).where(_BUBBLES.c.person_id == _ITS_PERSON, _MINE).values(claimed_until=bindparam("until"))
# The bubble is out: forgotten, saying whose it was and whether it was a retention notice.
_SENT = delete(_BUBBLES).where(_BUBBLES.c.id == bindparam("bubble")).returning(_BUBBLES.c.person_id, _BUBBLES.c.notice)
# A retention notice Telegram accepted: the person counts as noticed from now (unless a turn
# of theirs cancelled the notice meanwhile: it clears ``retention_queued_at``).
_NOTICED = (
    update(_PEOPLE)
    .where(_PEOPLE.c.id == bindparam("person"), _PEOPLE.c.retention_queued_at.is_not(None), _PEOPLE.c.retention_notice_at.is_(None))
    .values(retention_notice_at=bindparam("now"))
)
# PostgreSQL: the bubble is out, in one statement (``Outbox.sent``): forgotten, the person
# noticed if it was a retention notice, the lease on the person's others renewed (``renew``),
# and whether any other bubble of theirs is still there (the statement's snapshot still sees
# the deleted row, hence ``id != bubble``).
_GONE = _SENT.cte("gone")
_GONE_NOTICED = (
    update(_PEOPLE)
    .where(
        _PEOPLE.c.id.in_(select(_GONE.c.person_id).where(_GONE.c.notice.is_(True))),
        _PEOPLE.c.retention_queued_at.is_not(None),
        _PEOPLE.c.retention_notice_at.is_(None),
    )
    .values(retention_notice_at=bindparam("now"))
    .cte("noticed")
)
_GONE_RENEWED = (
    update(_BUBBLES)
    .where(_BUBBLES.c.person_id.in_(select(_GONE.c.person_id)), _MINE, _BUBBLES.c.id != bindparam("bubble"))
    .values(claimed_until=bindparam("until"))
    .cte("renewed")
)
_OTHERS = exists().where(_BUBBLES.c.person_id == _GONE.c.person_id, _BUBBLES.c.id != bindparam("bubble"))
_SENT_AT_ONCE = select(_GONE.c.person_id, _GONE.c.notice, _OTHERS.label("others")).add_cte(_GONE_NOTICED)
_SENT_RENEWING = _SENT_AT_ONCE.add_cte(_GONE_RENEWED)
_GIVE_UP = delete(_BUBBLES).where(_BUBBLES.c.id == bindparam("bubble"))
_FORGET_NOTICES = delete(_BUBBLES).where(_BUBBLES.c.person_id == bindparam("person"), _BUBBLES.c.notice.is_(True))
_WHOSE = select(_PEOPLE.c.id).where(_PEOPLE.c.external_id == bindparam("user")).scalar_subquery()
_DEFER = update(_BUBBLES).where(_BUBBLES.c.person_id == _WHOSE).values(not_before=bindparam("until"), claimed_by=None, claimed_until=None)
_DROP = delete(_BUBBLES).where(_BUBBLES.c.person_id == _WHOSE)


@dataclass(frozen=True)
class Waiting:
    """One claimed bubble: its id, the reply, and how many of its messages already went out."""

    id: int
    reply: Reply
    parts_sent: int


def keep(
    repo: Repository, person: Person, replies: list[Reply], now: datetime, *, claim_for: str | None = None, notice: bool = False
) -> list[Waiting]:
    """Store a turn's replies in its transaction (the turn's caller commits them together),
    in one statement; their ids keep their order.

    ``claim_for``: the process that sends them right after the commit, when no older bubble
    waits for the person (the caller knows: ``Repository.person_for_turn``; older ones go
    first, claimed as before). They are stored claimed by it and returned, so the sending
    needs no claim of its own.

    ``notice``: a retention notice; when Telegram has all of it, ``Outbox.sent`` marks the
    person noticed (``retention_notice_at``): "delivered" means that, never "queued"."""
    if not replies:
        return []
    rows = [dict(person_id=person.id, reply=encode(reply), parts_sent=0, created_at=now, notice=notice) for reply in replies]
    connection = repo.session.connection()
    if claim_for is None:
        connection.execute(_KEEP, rows)
        return []
    claimed = [row | {"claimed_by": claim_for, "claimed_until": now + LEASE} for row in rows]
    ids = sorted(int(i) for i in connection.execute(_KEEP_CLAIMED, claimed).scalars())  # rows take ids in order
    return [Waiting(i, reply, 0) for i, reply in zip(ids, replies, strict=True)]


def forget_notices(repo: Repository, person: Person) -> None:
    """The person wrote: a retention notice still waiting for them is not sent (it would
    make them "noticed" after the turn that cancelled it)."""
    repo.session.connection().execute(_FORGET_NOTICES, {"person": person.id})


def encode(reply: Reply) -> dict[str, Any]:
    value: dict[str, Any] = {"text": reply.text, "buttons": [[b.label, b.data] for b in reply.buttons]}
    if reply.expects_text:
        value["expects_text"] = True
    if reply.document is not None:
        value["document"] = {
            "filename": reply.document.filename,
            "mime": reply.document.mime,
            "content": base64.b64encode(reply.document.content).decode("ascii"),
        }
    if reply.picture is not None:
        value["picture"] = {
            "name": reply.picture.name,
            "caption": reply.picture.caption,
            "png": base64.b64encode(reply.picture.png).decode("ascii"),
        }
    return value


def decode(value: dict[str, Any]) -> Reply:
    document = None
    if value.get("document"):
        d = value["document"]
        document = Document(d["filename"], base64.b64decode(d["content"]), d.get("mime", "application/octet-stream"))
    picture = None
    if value.get("picture"):
        p = value["picture"]
        picture = Picture(base64.b64decode(p["png"]), p.get("caption", ""), p.get("name", "picture"))
    buttons = tuple(Button(label, data) for label, data in value.get("buttons", []))
    return Reply(value.get("text", ""), buttons, document, expects_text=bool(value.get("expects_text")), picture=picture)


class Outbox:
    """Claiming, marking and deleting bubbles, each in a short transaction of its own: Core
    statements on a bare connection (``Database.connect``: the writer's lock and, on SQLite,
    ``BEGIN IMMEDIATE`` as for a turn), since a Session would cost more than they do. On
    PostgreSQL the marks after each message are one statement each, committed as it runs
    (``Database.one_statement``): a round trip, where a transaction took four or five."""

    def __init__(self, db: Database, owner: str):
        self.db = db
        self.owner = owner  # this process, e.g. "host:pid:random"

    def claim(self, user: str, now: datetime) -> list[Waiting]:
        """The person's waiting bubbles, oldest first, claimed for ``LEASE``; [] when there
        are none, another process holds them, or the first must wait (a 429)."""
        with self.db.connect() as connection:
            return self._claim(connection, user, now)

    def _claim(self, connection: Connection, user: str, now: datetime) -> list[Waiting]:
        rows = connection.execute(_WAITING, {"user": user}).all()
        ready = []
        for row in rows:
            if row.claimed_until is not None and row.claimed_until > now and row.claimed_by != self.owner:
                return []  # another process is sending this person's replies
            if row.not_before is not None and row.not_before > now:
                break  # in order: nothing after a bubble that must wait
            ready.append(row)
        if ready:
            connection.execute(_CLAIM, {"ids": [row.id for row in ready], "owner": self.owner, "until": now + LEASE})
        return [Waiting(row.id, decode(row.reply), row.parts_sent) for row in ready]

    def progress(self, bubble_id: int, parts_sent: int, now: datetime) -> None:
        """One more Telegram message of the bubble went out (not its last: then ``sent``),
        and the claim on the person's bubbles lives on: one UPDATE of the person's rows."""
        values = {"bubble": bubble_id, "parts": parts_sent, "owner": self.owner, "until": now + LEASE}
        with self.db.one_statement() as connection:
            connection.execute(_PROGRESS, values)

    def sent(self, bubble_id: int, now: datetime, *, renew: bool = True, then_claim: str | None = None) -> list[Waiting]:
        """The whole bubble is out: forget it, and (``renew``: others claimed with it wait)
        renew the claim on the person's others. ``then_claim``: the person's id, when this
        was the last bubble claimed: their next claim runs in the same transaction, and
        what it claimed comes back. A retention notice marks its person noticed in the same
        transaction: Telegram has it.

        On PostgreSQL this is one statement, committed as it runs (``Database.one_statement``:
        one round trip, not four or five); only when other bubbles of the person are still
        there after the last one claimed does the next claim follow, in a transaction of
        its own (a turn that stores replies meanwhile sees this one gone and hands its own
        over already claimed, so nothing falls between the two)."""
        if not self.db.is_sqlite:
            return self._sent_at_once(bubble_id, now, renew=renew, then_claim=then_claim)
        with self.db.connect() as connection:
            if renew:
                connection.execute(_RENEW, {"bubble": bubble_id, "owner": self.owner, "until": now + LEASE})
            gone = connection.execute(_SENT, {"bubble": bubble_id}).first()
            if gone is not None and gone.notice:
                connection.execute(_NOTICED, {"person": gone.person_id, "now": now})
            return self._claim(connection, then_claim, now) if then_claim is not None else []

    def _sent_at_once(self, bubble_id: int, now: datetime, *, renew: bool, then_claim: str | None) -> list[Waiting]:
        values = {"bubble": bubble_id, "owner": self.owner, "until": now + LEASE, "now": now}
        with self.db.one_statement() as connection:
            gone = connection.execute(_SENT_RENEWING if renew else _SENT_AT_ONCE, values).first()
        if then_claim is None or (gone is not None and not gone.others):
            return []
        return self.claim(then_claim, now)  # others wait (or the bubble was gone already: look, as SQLite does)

    def give_up(self, bubble_id: int) -> None:
        """Telegram refused the bubble as it is: forget it without counting it delivered (a
        retention notice among them leaves its person not noticed), so what waits after it
        goes out."""
        with self.db.one_statement() as connection:
            connection.execute(_GIVE_UP, {"bubble": bubble_id})

    def defer(self, user: str, until: datetime) -> None:
        """Telegram asked this chat to wait: its bubbles go out after ``until``, by the sweep."""
        with self.db.connect() as connection:
            connection.execute(_DEFER, {"user": user, "until": until})

    def drop(self, user: str) -> int:
        """The person blocked the bot: what waits for them will never arrive; forget it."""
        with self.db.connect() as connection:
            return int(connection.execute(_DROP, {"user": user}).rowcount or 0)

    def waiting_people(self, now: datetime, *, older_than: timedelta, limit: int = 100) -> list[str]:
        """People with bubbles nobody is sending: left by a crash, a restart, or a 429 that has
        passed; only bubbles at least ``older_than`` old (fresh ones are their turn's to send)."""
        with self.db.read() as repo:
            rows = repo.session.execute(
                select(Person.external_id, func.min(OutboxBubble.id).label("first"))
                .join(OutboxBubble, OutboxBubble.person_id == Person.id)
                .where(
                    OutboxBubble.created_at <= now - older_than,
                    or_(OutboxBubble.not_before.is_(None), OutboxBubble.not_before <= now),
                    or_(OutboxBubble.claimed_until.is_(None), OutboxBubble.claimed_until <= now),
                )
                .group_by(Person.external_id)
                .order_by("first")
                .limit(limit)
            ).all()
            return [row.external_id for row in rows]

    def due_within(self, now: datetime, horizon: timedelta) -> int:
        """Bubbles that could go out within ``horizon`` (no 429 wait beyond it)."""
        with self.db.read() as repo:
            query = select(func.count()).select_from(OutboxBubble).where(
                or_(OutboxBubble.not_before.is_(None), OutboxBubble.not_before <= now + horizon)
            )
            return int(repo.session.scalar(query) or 0)

    def count(self) -> int:
        with self.db.read() as repo:
            return int(repo.session.scalar(select(func.count()).select_from(OutboxBubble)) or 0)
