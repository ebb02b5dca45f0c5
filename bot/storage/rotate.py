"""Key rotation: re-encrypt every encrypted value, and the key check, under the first configured key."""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from sqlalchemy import Text, select, text, type_coerce

from .crypto import active_cipher
from .database import Database
from .encrypted import ENCRYPTED
from .keycheck import KeyMismatch, rotate_key_check


def rotate_all(database: Database) -> int:
    """Re-encrypt every value; all or nothing. Raises ``KeyMismatch`` (one line, naming the
    column, never a value) when a value decrypts with none of the keys: nothing is changed."""
    cipher = active_cipher()
    where = "the key check"
    count = 0
    try:
        with database.engine.begin() as connection:
            for table, key, columns in ENCRYPTED:
                raw = [type_coerce(table.c[c], Text).label(c) for c in columns]  # tokens, not decrypted
                rows = connection.execute(select(table.c[key], *raw)).all()
                for row in rows:
                    for column, token in zip(columns, row[1:], strict=True):
                        if token is None:
                            continue
                        where = f"{table.name}.{column}"
                        statement = text(f'UPDATE "{table.name}" SET "{column}" = :token WHERE "{key}" = :key')
                        connection.execute(statement, {"token": cipher.rotate(token), "key": row[0]})
                        count += 1
            where = "the key check"
            rotate_key_check(connection, cipher)  # so the old key can be dropped: the new one passes the check
    except InvalidToken:
        raise KeyMismatch(
            f"no key of INNERCHILD_ENCRYPTION_KEY reads a value stored in {where} (it was encrypted with another key), "
            "so nothing was re-encrypted: list the new key first and the key this database was encrypted with after it, "
            "then run `innerchild keys rotate` again"
        ) from None
    return count
