"""Key rotation: re-encrypt every encrypted value, and the key check, under the first configured key."""

from __future__ import annotations

from sqlalchemy import Text, select, text, type_coerce

from .crypto import active_cipher
from .database import Database
from .keycheck import rotate_key_check
from .encrypted import ENCRYPTED


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
        rotate_key_check(connection, cipher)  # so the old key can be dropped: the new one passes the check
    return count
