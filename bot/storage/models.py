"""The tables. Each holds only what a feature needs; free text a person wrote is encrypted
(every encrypted column is listed in ``encrypted.py``).

Safety events and usage counts carry no link to a person, so the operator's counts
survive a person's deletion without pointing back at them: no person id, the day only (never
a time of day that could equal a person's ``last_safety_at``), and no id or rowid whose order
could be lined up against the order of people's times (both are counts per day, kept
``WITHOUT ROWID`` on SQLite).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import EncryptedJSON, EncryptedText, UTCDateTime, utcnow


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False once they blocked the bot
    consent_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    adult: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    name: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    child_name: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The last few safety assessments (levels and categories only, never text).
    recent_safety: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    last_safety_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_safety_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Retention (``bot/retention.py``): when the notice was put in the outbox, and when
    # Telegram accepted it (only a delivered notice lets the normal period delete them).
    retention_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retention_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # Read only (the export lists them): sessions are written with their own ``person_id``
    # and go with the person by ON DELETE CASCADE (``Repository.delete_person`` deletes them
    # first). A relationship that took part in the unit of work made every turn's flush (the
    # person's ``last_seen_at``, the session's step) about a quarter dearer.
    sessions: Mapped[list[DialogueSession]] = relationship(viewonly=True, order_by="DialogueSession.id")


class DialogueSession(Base):
    """Where a person is in one dialogue. At most one is active; paused ones wait for /resume."""

    __tablename__ = "dialogue_sessions"
    __table_args__ = (Index("ix_sessions_person_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    dialogue_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    step: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # a SessionStatus value (states.py)
    reason: Mapped[str | None] = mapped_column(String(16), nullable=True)  # a PauseReason value, when paused
    context: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The version of the script this session last ran on (a digest; NULL before 0005).
    script_version: Mapped[str | None] = mapped_column(String(16), nullable=True)

    person: Mapped[Person] = relationship(viewonly=True)  # read only, as ``Person.sessions``


class JournalEntry(Base):
    """A free-text answer: the person's own words, kept for them to read back."""

    __tablename__ = "journal_entries"
    # Each key's entries in time order: the newest answer is one step down the index (0009).
    __table_args__ = (Index("ix_journal_person_key_newest", "person_id", "key", "created_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    dialogue_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The words of the step it answers, as the person saw them (plain text; NULL before 0006).
    question: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)


class ProcessedUpdate(Base):
    """An update already handled: its redelivery after a crash changes nothing."""

    __tablename__ = "processed_updates"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafetyEvent(Base):
    """Safety referrals counted per day: level, categories, where they came from, how many.
    No text, no person, no time of day and no id (0010): nothing in it equals a column of a
    person, and nothing tells in which order the day's referrals came."""

    __tablename__ = "safety_events"
    __table_args__ = {"sqlite_with_rowid": False}  # no hidden rowid in insert order either

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    categories: Mapped[str] = mapped_column(String(255), primary_key=True, default="")
    source: Mapped[str] = mapped_column(String(16), primary_key=True, default="message")
    count: Mapped[int] = mapped_column(Integer, default=0)


class UsageCount(Base):
    """Daily counts for operators (dialogues started and finished, check-ins sent ...)."""

    __tablename__ = "usage_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # 0010: no hidden rowid in insert order

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class OutboxBubble(Base):
    """A reply waiting to be sent, stored in its turn's transaction and deleted once Telegram
    has every part of it, so a crash between the commit and the send loses nothing.

    ``parts_sent``: how many of its Telegram messages (a long reply is split) went out.
    ``not_before``: Telegram asked to wait (429 ``retry_after``) for this chat.
    ``claimed_by``/``claimed_until``: the process sending it; an expired claim (that process
    died) lets another one take over."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_person", "person_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    reply: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A retention notice (0010): the moment Telegram has all of it, the person counts as noticed.
    notice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Meta(Base):
    """Facts about the database itself (the key check value)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

