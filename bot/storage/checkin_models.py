"""The check-in tables: each person's rhythm and next due time, and the moods they share.

Kept in their own module (sharing ``Base``) so the feature can be read, and removed, as
one piece. ``next_due_at`` is the source of truth for scheduling: the scheduler only asks
the database who is due, so a restart, a second replica or a clock jump cannot lose or
repeat a nudge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import EncryptedInt, UTCDateTime, utcnow


class CheckinSettings(Base):
    """One row per person who ever set up check-ins; turning them off keeps the choices."""

    __tablename__ = "checkin_settings"
    # The claim query orders by all three columns, so it reads the first due row from the
    # index however many are due (0008).
    __table_args__ = (Index("ix_checkin_settings_claim", "enabled", "next_due_at", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    rhythm: Mapped[str] = mapped_column(String(16), default="daily")  # daily | few | weekly
    days: Mapped[str] = mapped_column(String(32), default="")  # "mon wed fri"; "" = the rhythm's own
    minute: Mapped[int] = mapped_column(Integer, default=20 * 60)  # local minutes after midnight
    quiet_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quiet_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The next moment a nudge is due (UTC); NULL while off. Claiming a nudge advances it.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The regular slot next_due_at stands for (a postponed nudge keeps its slot).
    slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    missed: Mapped[int] = mapped_column(Integer, default=0)  # nudges in a row without a reply
    rhythm_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_opening: Mapped[str | None] = mapped_column(String(64), nullable=True)  # template name, never text
    # When the person last chose their check-in settings: setting them up is not "writing"
    # that should hold back the very nudge they just asked for.
    configured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckinMood(Base):
    """A mood a person tapped on a check-in (1 = very low .. 5 = bright), for their chart.

    The mood is theirs like their words, so it is encrypted (a token, since 0007): the
    database cannot average or filter by it; read the rows and count in Python."""

    __tablename__ = "checkin_moods"
    __table_args__ = (Index("ix_checkin_moods_person_at", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    mood: Mapped[int] = mapped_column(EncryptedInt)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
