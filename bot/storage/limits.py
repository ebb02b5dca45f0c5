"""How long a person's id may be, read from its column, so a check before the first write and
the table cannot disagree: PostgreSQL refuses a longer id (``StringDataRightTruncation``) in
the middle of a turn, and SQLite would keep it, so each command checks it first, the same
on both."""

from __future__ import annotations

from sqlalchemy import String

from .models import Person


def external_id_length() -> int:
    """The most characters ``persons.external_id`` holds."""
    column = Person.__table__.c.external_id.type
    assert isinstance(column, String) and column.length, "persons.external_id has a length"
    return column.length
