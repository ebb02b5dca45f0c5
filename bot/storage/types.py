"""Column types: encrypted text and JSON, and UTC timestamps that stay UTC on SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator

from .crypto import active_cipher


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token: the database file never holds it in plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        return None if value is None else active_cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else active_cipher().decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A small JSON value (a dialogue's answers and choices), encrypted like text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        if value is None:
            return None
        return active_cipher().encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else json.loads(active_cipher().decrypt(value))


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
