"""Column types: encrypted text, JSON and small numbers, and UTC timestamps that stay UTC on SQLite."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Text
from sqlalchemy.types import TypeDecorator

from .crypto import active_cipher


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token: the database file never holds it in plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else active_cipher().encrypt(str(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else active_cipher().decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A small JSON value (a dialogue's answers and choices), encrypted like text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:  # noqa: ANN401 - any JSON value
        if value is None:
            return None
        return active_cipher().encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:  # noqa: ANN401 - any JSON value
        return None if value is None else json.loads(active_cipher().decrypt(value))


class EncryptedInt(TypeDecorator[int]):
    """A small number a person chose (a check-in mood), stored as a Fernet token like text.

    Fernet tokens differ each time, so the database can neither compare nor sum these:
    filter and order by the other columns, and read the numbers in Python."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> str | None:
        return None if value is None else active_cipher().encrypt(str(int(value)))

    def process_result_value(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else int(active_cipher().decrypt(value))


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
