"""Key rotation: re-encrypt every encrypted value under the first configured key."""

from __future__ import annotations

from sqlalchemy import select

from .crypto import active_cipher
from .database import Database
from .models import DialogueSession, JournalEntry, Person

# (table, primary key column, encrypted columns) — raw tokens, so nothing is decrypted to memory twice.
ENCRYPTED = [
    (Person.__table__, "id", ["name", "child_name"]),
    (JournalEntry.__table__, "id", ["text"]),
    (DialogueSession.__table__, "id", ["context"]),
]


def rotate_all(database: Database) -> int:
    cipher = active_cipher()
    count = 0
    with database.engine.begin() as connection:
        for table, key, columns in ENCRYPTED + EXTRA_ENCRYPTED:
            rows = connection.execute(select(table.c[key], *[table.c[c] for c in columns])).all()
            for row in rows:
                values = {c: cipher.rotate(v) for c, v in zip(columns, row[1:]) if v is not None}
                if values:
                    connection.execute(table.update().where(table.c[key] == row[0]).values(**values))
                    count += len(values)
    return count


# Other features add their encrypted columns here.
EXTRA_ENCRYPTED: list = []
