"""The sending budget every process shares: when the next Telegram message may go.

Why in the database: Telegram allows a bot about 30 messages a second in all and about one
a second per chat, counted over every process of the bot. A limiter in each process (PTB's
``AIORateLimiter``) cannot see the others: two processes sending check-ins sent 50 messages
in one second. The database is the one thing they all share, so the budget lives there, in
a row per key (``0``: every message of the bot; a chat id: that chat) and no new service.

How (GCRA, a token bucket kept as one time per key): a row holds ``next_at``, the moment
the bucket is empty again; a message at time t may go when ``next_at - (burst - 1) *
interval <= t``, and moves ``next_at`` to ``max(next_at, t) + interval``. Taking a slot
locks the overall row and the chat's, finds the first moment both allow, advances both and
commits; the caller learns *when* it may send, and waits outside any transaction.
Concurrent callers queue in the order the database saw them. With ``burst`` 1 the slots
are exactly ``interval`` apart.

Times are the database's clock (seconds since the epoch), read once the transaction
holds the rows: a caller that waited for a lock, or runs on a machine whose clock is a
little off, still gets the right slot. Callers get back *how long to wait from now*. The
transactions are tiny; on PostgreSQL they commit without waiting for the disk (a budget
lost in a crash only lets one message go a little early).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, Double, case, cast, delete, func, literal_column, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import ReturningInsert

from .database import Database
from .models import Base
from .upsert import insert_for

EVERYONE = 0  # the key of the bot's overall budget (no chat has id 0)
STALE = 60.0  # seconds: a chat row this far in the past holds nothing and may go


class BudgetRow(Base):
    __tablename__ = "send_budget"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[float] = mapped_column(Double)


@dataclass(frozen=True)
class Rate:
    """One message every ``interval`` seconds, up to ``burst`` at once after a quiet spell."""

    interval: float
    burst: int = 1

    @property
    def ahead(self) -> float:
        """How far ``next_at`` may run ahead of now while a slot is still free now."""
        return self.interval * (max(1, self.burst) - 1)


@dataclass(frozen=True)
class Slot:
    """How long a message must wait, in seconds from when the database answered; ``taken``:
    both budgets are spent on it (send then); else its chat is not free by the overall
    slot, nothing was taken, and the caller asks again after ``wait``."""

    wait: float
    taken: bool


def take(db: Database, chat_id: int, chat: Rate | None, overall: Rate) -> Slot:
    """The next overall slot at which the chat is free too, taken from both budgets in one
    transaction, or how long until the chat is free (nothing taken). Checking both at the
    moment the message will really go keeps one chat from getting a backlog's worth of
    messages at once when the overall queue releases them."""
    with _short(db) as session:
        if chat is None:
            return Slot(_reserve(session, EVERYONE, overall), True)
        keys = [EVERYONE, chat_id]
        insert = insert_for(_dialect(session))
        # A write first: SQLite takes its write lock here, so what is read below stays true.
        session.execute(insert(BudgetRow).values([{"chat_id": k, "next_at": 0.0} for k in keys]).on_conflict_do_nothing())
        locked = select(BudgetRow.chat_id, BudgetRow.next_at).where(BudgetRow.chat_id.in_(keys))
        rows = {key: next_at for key, next_at in session.execute(locked.order_by(BudgetRow.chat_id).with_for_update())}
        now = float(session.execute(select(_now(session))).scalar_one())  # after any wait for the locks
        free_overall = max(now, rows[EVERYONE] - overall.ahead)
        free_chat = max(free_overall, rows[chat_id] - chat.ahead)
        if free_chat > free_overall:
            return Slot(free_chat - now, False)
        _set(session, EVERYONE, max(rows[EVERYONE], now) + overall.interval)
        _set(session, chat_id, max(rows[chat_id], free_overall) + chat.interval)
        return Slot(free_overall - now, True)


def take_if_soon(db: Database, overall: Rate, within: float) -> float | None:
    """The next overall slot if it comes within ``within`` seconds (the wait for it), else
    None and nothing is taken: a courtesy call such as "typing..." never waits long, and
    never takes a slot from a backlog of messages."""
    with _short(db) as session:
        now = _now(session)
        statement = _upsert(session, EVERYONE, now, now + overall.interval, _later(now) + overall.interval,
                            where=BudgetRow.next_at <= now + (overall.ahead + within))
        row = session.execute(statement).first()
        if row is None:
            return None
        return _wait(row[0], row[1], overall)


def hold(db: Database, chat_id: int, seconds: float, chat: Rate | None) -> None:
    """Telegram asked this chat to wait: no process sends to it for ``seconds``."""
    rate = chat or Rate(0.0)
    with _short(db) as session:
        now = _now(session)
        wanted = now + (seconds + rate.ahead)  # its next slot is then, and no burst after it
        session.execute(_upsert(session, chat_id, now, wanted, _later(wanted)))


def prune(db: Database) -> int:
    """Forget chats quiet for a while (their rows no longer hold anything back)."""
    with _short(db) as session:
        stale = BudgetRow.next_at < _now(session) - STALE
        result = session.execute(delete(BudgetRow).where(BudgetRow.chat_id != EVERYONE, stale))
        return int(getattr(result, "rowcount", 0) or 0)


def _reserve(session: Session, chat_id: int, rate: Rate) -> float:
    """Take the key's next slot; seconds until it (0: now)."""
    now = _now(session)
    statement = _upsert(session, chat_id, now, now + rate.interval, _later(now) + rate.interval)
    next_at, at = session.execute(statement).one()
    return _wait(next_at, at, rate)


def _set(session: Session, chat_id: int, next_at: float) -> None:
    session.execute(update(BudgetRow).where(BudgetRow.chat_id == chat_id).values(next_at=next_at))


def _wait(next_at: float, now: float, rate: Rate) -> float:
    """Seconds from ``now`` to the slot a reservation that left ``next_at`` got."""
    return max(0.0, float(next_at) - rate.interval - rate.ahead - float(now))


def _upsert(
    session: Session,
    chat_id: int,
    now: ColumnElement[float],
    first: ColumnElement[float],
    then: ColumnElement[float],
    where: ColumnElement[bool] | None = None,
) -> ReturningInsert[float, float]:
    """Insert the key's row with ``first``, or set it to ``then`` (when ``where``); returns
    the row's new ``next_at`` and ``now`` (no row when ``where`` said no)."""
    insert = insert_for(_dialect(session))
    statement = insert(BudgetRow).values(chat_id=chat_id, next_at=first)
    upsert = statement.on_conflict_do_update(index_elements=[BudgetRow.chat_id], set_={"next_at": then}, where=where)
    return upsert.returning(BudgetRow.next_at, now)


def _now(session: Session) -> ColumnElement[float]:
    """The database's clock in seconds since the epoch, read when the expression is (after
    any wait for the row's lock): ``clock_timestamp()``, or SQLite's ``'now'`` (one value
    per statement, to the millisecond)."""
    if _dialect(session) == "postgresql":
        return cast(func.extract("epoch", func.clock_timestamp()), Double())
    return cast((func.julianday(literal_column("'now'")) - 2440587.5) * 86400.0, Double())


def _later(moment: ColumnElement[float]) -> ColumnElement[float]:
    """The later of the row's ``next_at`` and ``moment`` (portable: no GREATEST in SQLite)."""
    return case((BudgetRow.next_at > moment, BudgetRow.next_at), else_=moment)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@contextmanager
def _short(db: Database) -> Iterator[Session]:
    """A transaction of one or two statements; on PostgreSQL it does not wait for the disk."""
    with db.transaction() as repo:
        if db.dialect == "postgresql":
            repo.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        yield repo.session
