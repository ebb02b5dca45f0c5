"""Key rotation: re-encrypt every encrypted value, and the key check, under the first configured key.

It may run while the companion runs (``innerchild keys rotate`` beside ``innerchild run``), so a
value a turn writes meanwhile must not be overwritten with the rotation of what was there
before (a journal answer lost, a dialogue put back a step). Each value is replaced only if it is
still the token that was read (``... WHERE column = old``); one a turn changed meanwhile is read
again and rotated as it is now (PostgreSQL, where a turn may commit between the rotation's read
and its update; a row once replaced stays locked until the rotation commits, so a turn writing
it waits for that). On SQLite the rotation holds the write lock from its first statement
(``Database.connect``: ``BEGIN IMMEDIATE``): turns of a running companion wait for it, as they
wait for each other.

A process that still encrypts with the old key would write, after the rotation, what the new key
alone cannot read: every process gets the new key list (new key first) before the rotation, and
the old key is dropped only after it (PRIVACY.md, "The encryption key").
"""

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
        with database.connect() as connection:
            for table, key, columns in ENCRYPTED:
                for column in columns:
                    where = f"{table.name}.{column}"
                    stored = type_coerce(table.c[column], Text)  # the token, not decrypted
                    rows = connection.execute(select(table.c[key], stored).where(table.c[column].is_not(None))).all()
                    replace = text(f'UPDATE "{table.name}" SET "{column}" = :new WHERE "{key}" = :key AND "{column}" = :old')
                    again = text(f'SELECT "{column}" FROM "{table.name}" WHERE "{key}" = :key')
                    for row_key, token in rows:
                        while token is not None:
                            if connection.execute(replace, {"new": cipher.rotate(token), "key": row_key, "old": token}).rowcount:
                                count += 1
                                break
                            token = connection.execute(again, {"key": row_key}).scalar_one_or_none()  # written meanwhile, or gone
            where = "the key check"
            rotate_key_check(connection, cipher)  # so the old key can be dropped: the new one passes the check
    except InvalidToken:
        raise KeyMismatch(
            f"no key of INNERCHILD_ENCRYPTION_KEY reads a value stored in {where} (it was encrypted with another key), "
            "so nothing was re-encrypted: list the new key first and the key this database was encrypted with after it, "
            "then run `innerchild keys rotate` again"
        ) from None
    return count
