"""Key rotation: re-encrypt every encrypted value under the first configured key."""

from __future__ import annotations

from sqlalchemy import Table, Text, select, text, type_coerce

from .crypto import active_cipher
from .database import Database
from .models import DialogueSession, JournalEntry, Person

# (table, primary key column, encrypted columns) — raw tokens, so nothing is decrypted to memory twice.
# A new encrypted column is added here, by hand: nothing registers itself.
ENCRYPTED: list[tuple[Table, str, list[str]]] = [
    (Person.__table__, "id", ["name", "child_name"]),  # type: ignore[list-item]
    (JournalEntry.__table__, "id", ["text"]),  # type: ignore[list-item]
    (DialogueSession.__table__, "id", ["context"]),  # type: ignore[list-item]
]


def rotate_all(database: Database) -> int:
    cipher = active_cipher()
    count = 0
    with database.engine.begin() as connection:
        for table, key, columns in ENCRYPTED:
            raw = [type_coerce(table.c[c], Text).label(c) for c in columns]  # tokens, not decrypted
            rows = connection.execute(select(table.c[key], *raw)).all()
            for row in rows:
                for column, token in zip(columns, row[1:], strict=True):
                    if token is None:
                        continue
                    statement = text(f'UPDATE "{table.name}" SET "{column}" = :token WHERE "{key}" = :key')
                    connection.execute(statement, {"token": cipher.rotate(token), "key": row[0]})
                    count += 1
    return count

